;;; replaydbg-dap.el --- Temporal replays in dap-mode  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (dap-mode "0.7"))
;; Keywords: tools, debugging

;; This file is part of replaydbg (MIT license).

;;; Commentary:

;; Registers replaydbg's debug adapter (`python -m replaydbg dap', debugger type
;; `temporal-replay') with dap-mode, and a debug template that replays the
;; history file of the current buffer:
;;
;;   (add-to-list 'load-path "/path/to/replaydbg/editor-client/emacs")
;;   (require 'replaydbg-dap)
;;   (setq replaydbg-dap-python "/path/to/project/.venv/bin/python")
;;
;; Visit a history (JSON, binary or gzip) and run `dap-debug', template
;; "Temporal: replay this history file".  Add launch attributes of the adapter
;; (`workflow', `cwd', `plugins'... see replaydbg's README) with
;; `dap-debug-edit-template'.
;;
;; The adapter stops on history events through function breakpoints, which
;; dap-mode does not have: `replaydbg-dap-event-breakpoints' holds them
;; ("TimerFired", "event:7", "#7") and every replay gets them before it runs;
;; `replaydbg-dap-toggle-event-breakpoint' changes them, also during a replay.
;; `replaydbg-dap-next-event' runs to the next history event,
;; `replaydbg-dap-step-back' and `replaydbg-dap-reverse-continue' go back.
;; Each stop names its history event in the echo area.

;;; Code:

(require 'dap-mode)
(require 'cl-lib)
(require 'subr-x)

(defgroup replaydbg-dap nil
  "Debug Temporal workflow replays with dap-mode."
  :group 'dap-mode
  :prefix "replaydbg-dap-")

(defcustom replaydbg-dap-python "python3"
  "The interpreter that runs the adapter; replaydbg must be installed in it.
The replay runs in the same interpreter unless the launch sets `python'."
  :type 'string)

(defcustom replaydbg-dap-extra-args nil
  "Extra arguments of `replaydbg dap', e.g. (\"-v\" \"--log-file\" \"log\")."
  :type '(repeat string))

(defcustom replaydbg-dap-event-breakpoints nil
  "History-event breakpoints sent to every replay, as the adapter names them.
An event id (\"event:7\" or \"#7\") or an event type (\"TimerFired\")."
  :type '(repeat string))

(defcustom replaydbg-dap-exit-wait 5
  "Seconds the adapter has to end by itself after its replay ended.
It is killed after that."
  :type 'number)

(defconst replaydbg-dap-type "temporal-replay"
  "The debugger type of the adapter (VS Code's too).")

(defconst replaydbg-dap-event-types
  '("WorkflowExecutionStarted" "ActivityTaskScheduled" "ActivityTaskCompleted"
    "ActivityTaskFailed" "ActivityTaskTimedOut" "TimerStarted" "TimerFired"
    "WorkflowExecutionSignaled" "WorkflowExecutionUpdateAccepted"
    "WorkflowExecutionUpdateCompleted" "MarkerRecorded"
    "StartChildWorkflowExecutionInitiated" "ChildWorkflowExecutionCompleted"
    "WorkflowExecutionCompleted" "WorkflowExecutionFailed")
  "Event types to complete from in `replaydbg-dap-toggle-event-breakpoint'.
Any event type works.")

;;; Launching

(defun replaydbg-dap--server-command ()
  "Return the adapter's command line (it serves DAP on stdio)."
  (append (list replaydbg-dap-python "-m" "replaydbg" "dap")
          replaydbg-dap-extra-args))

(defun replaydbg-dap--project-root (file)
  "Return the folder of the nearest pyproject.toml above FILE.
Return FILE's folder when there is none."
  (let ((dir (file-name-directory (expand-file-name file))))
    (expand-file-name (or (locate-dominating-file dir "pyproject.toml") dir))))

(defun replaydbg-dap--drop-nils (conf)
  "Return CONF without its nil-valued keys (the adapter refuses null)."
  (cl-loop for (key value) on conf by #'cddr
           when value append (list key value)))

(defun replaydbg-dap--populate-start-args (conf)
  "Complete the launch CONF of a replay: history, folder, adapter command."
  (let ((conf (replaydbg-dap--drop-nils conf)))
    (when (and (not (plist-get conf :workflowId))
               (string-empty-p (or (plist-get conf :historyFile) "")))
      (setq conf (plist-put conf :historyFile
                            (expand-file-name
                             (read-file-name "History file: " nil nil t)))))
    ;; The adapter reads [tool.replaydbg] upward from cwd; the project root
    ;; keeps `workflow' specs relative to it, as on the command line.
    (unless (plist-get conf :cwd)
      (setq conf (plist-put conf :cwd (replaydbg-dap--project-root
                                       (or (plist-get conf :historyFile)
                                           default-directory)))))
    (unless (plist-get conf :dap-server-path)
      (setq conf (plist-put conf :dap-server-path
                            (replaydbg-dap--server-command))))
    conf))

(dap-register-debug-provider replaydbg-dap-type
                             #'replaydbg-dap--populate-start-args)

(dap-register-debug-template
 "Temporal: replay this history file"
 (list :type replaydbg-dap-type
       :request "launch"
       :historyFile "${file}"
       :stopOnEntry t))

;;; Sessions

(defun replaydbg-dap--replay-p (session)
  "Return non-nil if SESSION is a replay of this adapter."
  (and session
       (equal (plist-get (dap--debug-session-launch-args session) :type)
              replaydbg-dap-type)))

(defun replaydbg-dap--session ()
  "Return the current replay session, or signal a user error."
  (let ((session (dap--cur-session)))
    (unless (and (replaydbg-dap--replay-p session)
                 (dap--session-running session))
      (user-error "No running Temporal replay session"))
    session))

(defun replaydbg-dap--send-event-breakpoints (session callback)
  "Send `replaydbg-dap-event-breakpoints' to SESSION, then call CALLBACK."
  (dap--send-message
   (dap--make-request
    "setFunctionBreakpoints"
    (list :breakpoints
          (apply #'vector (mapcar (lambda (name) (list :name name))
                                  replaydbg-dap-event-breakpoints))))
   (dap--resp-handler (lambda (_response) (funcall callback)))
   session))

(defun replaydbg-dap--configure-breakpoints (configure session bps callback)
  "Send a replay's event breakpoints first, around CONFIGURE.
CONFIGURE is `dap--configure-breakpoints', SESSION, BPS and CALLBACK its
arguments.  dap-mode sends configurationDone from CALLBACK: the event
breakpoints are in before the replay runs."
  (if (replaydbg-dap--replay-p session)
      (replaydbg-dap--send-event-breakpoints
       session (lambda () (funcall configure session bps callback)))
    (funcall configure session bps callback)))

(advice-add 'dap--configure-breakpoints
            :around #'replaydbg-dap--configure-breakpoints)

(defun replaydbg-dap-current-event (&optional session)
  "Return the history event SESSION is stopped at, or nil.
SESSION defaults to the current one.  The event is a hash table of the
adapter's `temporal/currentEvent': \"eventId\", \"description\"..."
  (when-let ((session (or session (dap--cur-session))))
    (gethash 'replaydbg-current-event (dap--debug-session-metadata session))))

(cl-defmethod dap-handle-event ((_event (eql temporal/currentEvent))
                                session params)
  "Keep the history event PARAMS of SESSION's stop, and say which it is."
  (puthash 'replaydbg-current-event params
           (dap--debug-session-metadata session))
  (let ((text (gethash "text" params "")))
    (message "replaydbg: %s%s" (gethash "description" params)
             (if (string-empty-p text) "" (concat ": " text)))))

(defun replaydbg-dap--forget-event (session)
  "Forget SESSION's history event until its next stop."
  (when (replaydbg-dap--replay-p session)
    (remhash 'replaydbg-current-event (dap--debug-session-metadata session))))

(add-hook 'dap-continue-hook #'replaydbg-dap--forget-event)

(defun replaydbg-dap--end-gently (terminate session)
  "Let the adapter of SESSION end by itself, around TERMINATE.
TERMINATE is `dap--mark-session-as-terminated', which kills the adapter
\(SIGKILL) as soon as the replay ends; killed, the adapter cannot remove
its session folder (the history's copies).  Closing its input ends it
cleanly, and its exit runs TERMINATE (dap-mode's process sentinel).  It
is killed after `replaydbg-dap-exit-wait' seconds."
  (let ((proc (dap--debug-session-proc session))
        (metadata (dap--debug-session-metadata session)))
    (cond ((not (and (replaydbg-dap--replay-p session) (process-live-p proc)))
           (funcall terminate session))
          ((not (gethash 'replaydbg-ending metadata))
           (puthash 'replaydbg-ending t metadata)
           (setf (dap--debug-session-state session) 'terminated)
           (process-send-eof proc)
           (run-at-time replaydbg-dap-exit-wait nil
                        (lambda ()
                          (when (process-live-p proc)
                            (delete-process proc))))))))

(advice-add 'dap--mark-session-as-terminated
            :around #'replaydbg-dap--end-gently)

;;; Commands

(defun replaydbg-dap-toggle-event-breakpoint (name)
  "Add or remove the history-event breakpoint NAME.
NAME is an event type (\"TimerFired\") or id (\"event:7\").  A running
replay gets the new set at once."
  (interactive (list (completing-read "Break on event (type or event:N): "
                                      replaydbg-dap-event-types)))
  (setq replaydbg-dap-event-breakpoints
        (if (member name replaydbg-dap-event-breakpoints)
            (remove name replaydbg-dap-event-breakpoints)
          (append replaydbg-dap-event-breakpoints (list name))))
  (let ((session (dap--cur-session)))
    (when (and (replaydbg-dap--replay-p session)
               (dap--session-running session))
      (replaydbg-dap--send-event-breakpoints session #'ignore)))
  (message "replaydbg: event breakpoints %s"
           replaydbg-dap-event-breakpoints))

;; `dap--step' is what `dap-next' does: the request for the stopped thread,
;; then the session counts as running until the next `stopped'.

(defun replaydbg-dap-next-event ()
  "Continue the replay to the next history event with workflow code."
  (interactive)
  (dap--step "temporal/nextEvent" (replaydbg-dap--session)))

(defun replaydbg-dap-step-back ()
  "Go back to the previous history event, replaying again up to it."
  (interactive)
  (dap--step "stepBack" (replaydbg-dap--session)))

(defun replaydbg-dap-reverse-continue ()
  "Go back to the previous history event that has a breakpoint."
  (interactive)
  (dap--step "reverseContinue" (replaydbg-dap--session)))

(provide 'replaydbg-dap)
;;; replaydbg-dap.el ends here
