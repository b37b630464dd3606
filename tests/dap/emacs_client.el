;;; emacs_client.el --- replaydbg's adapter under a second DAP client: Emacs dap-mode  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by tests/dap/test_emacs_client.py: emacs --batch -l emacs_client.el, with
;; RDB_ROOT (the repository), RDB_PYTHON (the interpreter with replaydbg) and RDB_OUT (a file
;; this writes one JSON object per line to).  As a user would: load
;; editor-client/emacs/replaydbg-dap.el, add the event breakpoint TimerFired, visit the
;; greeting example's history and start the "Temporal: replay this history file" template
;; with `dap-debug'; continue from the entry stop, step to the next history event, step
;; back, disconnect.  Each stop is written as dap-mode saw it (the top frame's file and
;; line), with the adapter's history event and the event of the Temporal scope.

;;; Code:

(require 'json)
(require 'seq)
(require 'subr-x)

(defvar rdb-out (getenv "RDB_OUT"))
(defvar rdb-root (file-name-as-directory (getenv "RDB_ROOT")))
(defvar rdb-start (float-time))

(defun rdb-write (&rest plist)
  "Append PLIST to RDB_OUT as a JSON line."
  (let ((json-encoding-pretty-print nil))
    (write-region (concat (json-encode (append plist (list :seconds (- (float-time) rdb-start))))
                          "\n")
                  nil rdb-out t 'silent)))

(defun rdb-wait (what predicate &optional seconds)
  "Run the event loop until PREDICATE holds; fail naming WHAT after SECONDS (30)."
  (let ((deadline (+ (float-time) (or seconds 30))))
    (while (not (funcall predicate))
      (when (> (float-time) deadline)
        (error "Timed out waiting for %s" what))
      (accept-process-output nil 0.05))))

(add-to-list 'load-path (expand-file-name "editor-client/emacs" rdb-root))
(require 'replaydbg-dap)

(setq replaydbg-dap-python (getenv "RDB_PYTHON"))

(defun rdb-child (variables name)
  "The variable called NAME among VARIABLES (a dap-mode `variables' body)."
  (seq-find (lambda (v) (equal (gethash "name" v) name)) (gethash "variables" variables)))

(defun rdb-scope-event-id (session frame)
  "The event id of the Temporal scope at FRAME, through dap-mode's request API."
  (let* ((scopes (gethash "scopes" (dap-request session "scopes" :frameId (gethash "id" frame))))
         (temporal (seq-find (lambda (s) (equal (gethash "name" s) "Temporal")) scopes))
         (scope (dap-request session "variables"
                             :variablesReference (gethash "variablesReference" temporal)))
         (event (rdb-child scope "event"))
         (fields (dap-request session "variables"
                              :variablesReference (gethash "variablesReference" event))))
    (gethash "value" (rdb-child fields "id"))))

(defun rdb-record-stop (session step)
  "Wait for SESSION's next stop (after STEP) and write what dap-mode shows of it."
  (rdb-wait (format "the stop after %s" step)
            (lambda () (and (dap--debug-session-active-frame session)
                            (replaydbg-dap-current-event session))))
  (let* ((frame (dap--debug-session-active-frame session))
         (event (replaydbg-dap-current-event session)))
    (rdb-write :step step
               :eventId (gethash "eventId" event)
               :description (gethash "description" event)
               :reason (gethash "reason" event)
               :path (dap--get-path-for-frame frame)
               :line (gethash "line" frame)
               ;; Where dap-mode took the user: the file and line shown in the selected window.
               :shownFile (buffer-file-name (window-buffer))
               :shownLine (with-current-buffer (window-buffer)
                            (line-number-at-pos (window-point)))
               :scopeEventId (rdb-scope-event-id session frame))))

(defun rdb-run ()
  "The scenario; a failure is written as an error line."
  (replaydbg-dap-toggle-event-breakpoint "TimerFired")
  (find-file (expand-file-name "examples/greeting/history.json" rdb-root))
  (let ((template (copy-tree (cdr (assoc "Temporal: replay this history file"
                                         dap-debug-template-configurations)))))
    ;; The README's workflow spec for this history, relative to the project root.
    (dap-debug (plist-put template :workflow "examples/greeting/workflows.py")))
  (let ((session (dap--cur-session)))
    (rdb-write :launched (dap--debug-session-name session)
               :command (plist-get (dap--debug-session-launch-args session) :dap-server-path))
    (rdb-record-stop session "entry")
    (dap-continue session (dap--debug-session-thread-id session))
    (rdb-record-stop session "continue")
    (replaydbg-dap-next-event)
    (rdb-record-stop session "nextEvent")
    (replaydbg-dap-step-back)
    (rdb-record-stop session "stepBack")
    (let ((proc (dap--debug-session-proc session)))
      (dap-delete-session session)
      (rdb-wait "the adapter to exit" (lambda () (not (process-live-p proc))) 20)
      (rdb-write :adapterExit (process-exit-status proc)))))

(condition-case err
    (progn (rdb-run) (kill-emacs 0))
  (error (rdb-write :error (error-message-string err))
         (kill-emacs 1)))

;;; emacs_client.el ends here
