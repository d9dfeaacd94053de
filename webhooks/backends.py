"""A task backend for the embedded default: tasks run on a thread pool, never in the request.

Django's tasks framework (django-tasks, which Wagtail 8 depends on) ships an immediate backend
that runs a task inside `enqueue()`, so a slow webhook receiver would hold up the editor's
publish. This one hands the task to a pool of worker threads and supports `run_after` (retries
with backoff) with a timer. It keeps nothing across restarts: production configures a database
backend and a worker instead (see README).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id


class ThreadBackend(ImmediateBackend):
    supports_defer = True

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        workers = int(params.get("OPTIONS", {}).get("WORKERS", 4))
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix=f"tasks-{alias}"
        )
        self._in_flight: set[Future] = set()
        self._lock = threading.Lock()

    def _submit(self, task_result: TaskResult) -> None:
        future = self._executor.submit(self._run, task_result)
        with self._lock:
            self._in_flight.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._in_flight.discard(future)

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Wait for the tasks already running or queued (not the timers of later retries).

        For a graceful shutdown, and for tests that must not read the database while a worker
        writes to it (SQLite's shared in-memory test database refuses that at once).
        """
        with self._lock:
            pending = set(self._in_flight)
        return not wait(pending, timeout=timeout).not_done

    def _run(self, task_result: TaskResult) -> None:
        close_old_connections()
        try:
            self._execute_task(task_result)
        finally:
            # This thread's connections, not the request's.
            connections.close_all()

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        task_result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        delay = 0.0
        if task.run_after is not None:
            delay = max(0.0, (task.run_after - timezone.now()).total_seconds())
        if delay:
            timer = threading.Timer(delay, self._submit, args=(task_result,))
            timer.daemon = True
            timer.start()
        else:
            self._submit(task_result)
        return task_result
