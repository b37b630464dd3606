WORKFLOW_TASK_QUEUE = "workflow-task-queue"
ACTIVITY_TASK_QUEUE = "activity-task-queue"
