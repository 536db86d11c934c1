"""OpenAPI generation: documents the error responses of every operation."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from opsplan.api import ErrorSerializer


class AutoSchema(SpectacularAutoSchema):
    """Documents the error responses every operation can give, in the one error shape."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "409", "415"]
        if self.method == "DELETE":
            codes.append("409")  # e.g. a part of a plan whose content is frozen
        if "{" in self.path or self.method in ("PUT", "PATCH", "DELETE"):
            codes.append("404")
        if self.method == "GET" and self._is_list_view():
            codes += ["400", "404"]  # bad filter value; page past the end
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code))
        return responses
