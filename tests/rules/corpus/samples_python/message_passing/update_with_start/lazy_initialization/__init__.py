TASK_QUEUE = "update-with-start-lazy-initialization"
