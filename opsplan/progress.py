"""Progress of background tasks a person started, polled by the page (htmx) until done."""

from celery.result import AsyncResult
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

_KEY = "opsplan_tasks"
STOP_POLLING = 286  # htmx stops polling on this status


def remember_task(request, task_id: str) -> None:
    """Allow this session to watch the task (and nobody else)."""
    tasks = request.session.get(_KEY, [])[-19:]
    tasks.append(task_id)
    request.session[_KEY] = tasks


def owns_task(request, task_id: str) -> bool:
    return task_id in request.session.get(_KEY, [])


def task_state(task_id: str) -> dict:
    result = AsyncResult(task_id)
    try:
        state = result.state
        info = result.info if isinstance(result.info, dict) else {}
    except Exception:  # the result backend is unreachable: keep polling, the work goes on
        state, info = "PENDING", {}
    done, total = info.get("done"), info.get("total")
    percent = int(100 * done / total) if done is not None and total else None
    return {"state": state, "done": done, "total": total, "percent": percent,
            "finished": state in ("SUCCESS", "FAILURE", "REVOKED"),
            "failed": state in ("FAILURE", "REVOKED"),
            "result": info if state == "SUCCESS" else None}


@login_required
def task_status(request, task_id):
    """An HTML fragment with a <progress> bar; answers 286 once the task has finished."""
    if not owns_task(request, task_id):
        raise Http404
    context = task_state(task_id)
    response = render(request, "includes/task_status.html", {"task": context,
                                                             "task_id": task_id})
    if context["finished"]:
        response.status_code = STOP_POLLING
    return response


