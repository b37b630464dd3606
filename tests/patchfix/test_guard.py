"""guard_change on small workflows: which statements get guarded, how, and when it refuses."""

from __future__ import annotations

import textwrap

import pytest

from replaydbg.patchfix import Guard, guard_change

from .editing import guarded, line_of, refused

HEADER = """\
from datetime import timedelta

from temporalio import workflow

from app.activities import notify, send_email, send_sms

T = timedelta(seconds=5)


@workflow.defn
class Flow:
    @workflow.run
    async def run(self, to: str) -> None:
"""


def flow(body: str, header: str = HEADER) -> str:
    """A module whose ``Flow.run`` has ``body`` (dedented, indented by 8 spaces)."""
    return header + textwrap.indent(textwrap.dedent(body), " " * 8)


def test_an_added_activity_is_guarded_without_else() -> None:
    old = flow("""\
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        return None
    """)
    new = flow("""\
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)  # here
        return None
    """)
    guard, fixed = guarded(old, new, "# here")
    assert guard.patch_id == "run-send-sms"
    assert guard.function == "Flow.run"
    assert fixed == flow("""\
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        if workflow.patched("run-send-sms"):
            await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)  # here
        return None
    """)


def test_a_removed_timer_is_kept_for_old_histories() -> None:
    old = flow("""\
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        await workflow.sleep(T)
        await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)
    new = flow("""\
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)
    # Replay diverges at the first command after the removed timer: the diagnostic's line.
    guard, fixed = guarded(old, new, "send_email, to")
    assert guard.patch_id == "run-without-timer"
    assert fixed == flow("""\
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        if not workflow.patched("run-without-timer"):
            await workflow.sleep(T)
        await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)


def test_a_swapped_activity_keeps_the_old_one_in_else() -> None:
    old = flow("""\
        message = f"hi {to}"
        await workflow.execute_activity(send_email, message, start_to_close_timeout=T)
    """)
    new = flow("""\
        message = f"hi {to}"
        await workflow.execute_activity(send_sms, message, start_to_close_timeout=T)
    """)
    guard, fixed = guarded(old, new, "send_sms, message")
    assert guard.patch_id == "run-send-sms"
    assert fixed == flow("""\
        message = f"hi {to}"
        if workflow.patched("run-send-sms"):
            await workflow.execute_activity(send_sms, message, start_to_close_timeout=T)
        else:
            await workflow.execute_activity(send_email, message, start_to_close_timeout=T)
    """)


def test_a_changed_argument_guards_the_whole_statement() -> None:
    old = flow("""\
        await workflow.execute_activity(
            notify, to, start_to_close_timeout=T,
        )
    """)
    new = flow("""\
        await workflow.execute_activity(
            notify, to.upper(), start_to_close_timeout=T,
        )
    """)
    guard, fixed = guarded(old, new, "to.upper()")
    assert guard.patch_id == "run-notify"
    assert fixed == flow("""\
        if workflow.patched("run-notify"):
            await workflow.execute_activity(
                notify, to.upper(), start_to_close_timeout=T,
            )
        else:
            await workflow.execute_activity(
                notify, to, start_to_close_timeout=T,
            )
    """)


def test_a_change_inside_a_nested_if_is_guarded_in_that_branch() -> None:
    old = flow("""\
        for attempt in range(3):
            if to.startswith("+"):
                await workflow.execute_activity(notify, to, start_to_close_timeout=T)
                await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
            else:
                return None
    """)
    new = flow("""\
        for attempt in range(3):
            if to.startswith("+"):
                await workflow.execute_activity(notify, to, start_to_close_timeout=T)
                await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)
            else:
                return None
    """)
    _, fixed = guarded(old, new, "(send_sms")
    assert fixed == flow("""\
        for attempt in range(3):
            if to.startswith("+"):
                await workflow.execute_activity(notify, to, start_to_close_timeout=T)
                if workflow.patched("run-send-sms"):
                    await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)
                else:
                    await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
            else:
                return None
    """)


def test_a_change_in_an_elif_body_is_guarded_there_and_a_changed_test_guards_the_if() -> None:
    old = flow("""\
        if to == "a":
            return None
        elif to == "b":
            await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)
    in_body = flow("""\
        if to == "a":
            return None
        elif to == "b":
            await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)
    """)
    _, fixed = guarded(old, in_body, "(send_sms")
    assert fixed == flow("""\
        if to == "a":
            return None
        elif to == "b":
            if workflow.patched("run-send-sms"):
                await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)
            else:
                await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)
    # An elif cannot stand under an `if` of its own: the whole statement is the change.
    in_test = old.replace('elif to == "b"', 'elif to == "c"')
    _, fixed = guarded(old, in_test, '"c"')
    assert fixed == flow("""\
        if workflow.patched("run-send-email"):
            if to == "a":
                return None
            elif to == "c":
                await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
        else:
            if to == "a":
                return None
            elif to == "b":
                await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)


def test_comments_are_kept_where_the_user_wrote_them() -> None:
    old = flow("""\
        # Tell them first.
        await workflow.execute_activity(send_email, to, start_to_close_timeout=T)  # mail
        # then log
        workflow.logger.info("sent")
    """)
    new = flow("""\
        # Tell them first.
        await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)  # text

        # then wait and log
        await workflow.sleep(T)
        workflow.logger.info("sent")
    """)
    guard, fixed = guarded(old, new, "# text")
    assert guard.patch_id == "run-send-sms-timer"
    assert fixed == flow("""\
        # Tell them first.
        if workflow.patched("run-send-sms-timer"):
            await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)  # text

            # then wait and log
            await workflow.sleep(T)
        else:
            await workflow.execute_activity(send_email, to, start_to_close_timeout=T)  # mail
        workflow.logger.info("sent")
    """)


def test_a_multiline_string_keeps_its_text_when_reindented() -> None:
    call = ('        await workflow.execute_activity({}, """Dear user,\n'
            'see you.""", start_to_close_timeout=T)\n')
    old, new = HEADER + call.format("send_email"), HEADER + call.format("send_sms")
    _, fixed = guarded(old, new, "(send_sms")
    assert fixed == HEADER + (
        '        if workflow.patched("run-send-sms"):\n'
        '            await workflow.execute_activity(send_sms, """Dear user,\n'
        'see you.""", start_to_close_timeout=T)\n'
        "        else:\n"
        '            await workflow.execute_activity(send_email, """Dear user,\n'
        'see you.""", start_to_close_timeout=T)\n')


def test_the_id_is_new_to_the_file_and_to_the_ids_given() -> None:
    body = """\
        if workflow.patched("run-send-sms"):
            await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)
        await workflow.execute_activity({}, to, start_to_close_timeout=T)
    """
    old, new = flow(body.format("send_email")), flow(body.format("send_sms"))
    line = len(new.splitlines())
    result = guard_change(old, new, line)
    assert isinstance(result, Guard)
    assert result.patch_id == "run-send-sms-2"
    again = guard_change(old, new, line, existing_ids={"run-send-sms-2", "run-send-sms-3"})
    assert isinstance(again, Guard)
    assert again.patch_id == "run-send-sms-4"


def test_an_id_removed_since_the_committed_version_is_not_reused() -> None:
    old = flow("""\
        if workflow.patched("run-send-sms"):
            pass
        await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)
    new = flow("""\
        await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)
    """)
    guard, _ = guarded(old, new, "(send_sms")
    assert guard.patch_id == "run-send-sms-2"


def test_statements_issuing_no_command_get_a_numbered_id() -> None:
    old = flow("""\
        total = 1
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
    """)
    new = flow("""\
        total = 2
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
    """)
    guard, fixed = guarded(old, new, "total = 2")
    assert guard.patch_id == "run-change-1"
    assert 'if workflow.patched("run-change-1"):\n            total = 2\n' in fixed


def test_the_workflow_import_is_added_when_the_module_lacks_it() -> None:
    header = '''\
"""Flows."""

from temporalio.workflow import defn, run

from app.activities import notify, send_sms


@defn
class Flow:
    @run
    async def go(self, to: str) -> None:
'''
    old = flow("await notify(to)\n", header)
    new = flow("await notify(to)\nawait send_sms(to)\n", header)
    guard, fixed = guarded(old, new, "send_sms(to)")
    assert guard.patch_id == "go-change-1"
    assert fixed == flow("await notify(to)\n", header.replace(
        "import notify, send_sms\n",
        "import notify, send_sms\nfrom temporalio import workflow\n")) + (
        '        if workflow.patched("go-change-1"):\n'
        "            await send_sms(to)\n")


def test_the_modules_own_spelling_of_workflow_is_used() -> None:
    header = HEADER.replace("from temporalio import workflow",
                            "import temporalio.workflow as wf").replace("@workflow.", "@wf.")
    old = flow("await wf.execute_activity(send_email, to, start_to_close_timeout=T)\n", header)
    new = flow("await wf.execute_activity(send_sms, to, start_to_close_timeout=T)\n", header)
    guard, fixed = guarded(old, new, "send_sms, to")
    assert len(guard.edits) == 1
    assert '        if wf.patched("run-send-sms"):\n' in fixed


def test_a_name_the_old_code_imported_is_imported_again() -> None:
    old_header = HEADER.replace("from app.activities import notify, send_email, send_sms",
                                "from app.activities import notify, send_email as mail\n"
                                "from app.templates import WELCOME")
    new_header = HEADER.replace("from app.activities import notify, send_email, send_sms",
                                "from app.activities import notify, send_sms")
    old = flow("await workflow.execute_activity(mail, WELCOME, start_to_close_timeout=T)\n",
               old_header)
    new = flow("await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)\n",
               new_header)
    guard, fixed = guarded(old, new, "send_sms, to")
    assert guard.unresolved == ()
    assert ("from app.activities import notify, send_sms\n"
            "from app.activities import send_email as mail\n"
            "from app.templates import WELCOME\n") in fixed


def test_a_name_that_cannot_be_imported_is_reported() -> None:
    old = flow("""\
        greeting = "hi"
        await workflow.execute_activity(send_email, greeting + to, start_to_close_timeout=T)
    """)
    new = flow("""\
        await workflow.execute_activity(send_sms, to, start_to_close_timeout=T)
    """)
    line = line_of(new, "send_sms, to")
    result = guard_change(old, new, line)
    assert isinstance(result, Guard)
    assert result.unresolved == ()  # `greeting` comes back with the old statements
    old = old.replace('greeting = "hi"', 'workflow.logger.info("x")').replace(
        "greeting + to", "GREETING + to")
    result = guard_change(old, new, line)
    assert isinstance(result, Guard)
    assert result.unresolved == ("GREETING",)


@pytest.mark.parametrize("unit", ["\t", "    ", "  "])
def test_the_guard_indents_like_the_file(unit: str) -> None:
    def module(activity: str) -> str:
        return ("from temporalio import workflow\n\n\n@workflow.defn\nclass Flow:\n"
                f"{unit}@workflow.run\n{unit}async def run(self) -> None:\n"
                f"{unit * 2}if True:\n{unit * 3}await workflow.execute_activity({activity})\n")

    _, fixed = guarded(module("email"), module("sms"), "sms")
    assert fixed.endswith(f"{unit * 2}if True:\n"
                          f"{unit * 3}if workflow.patched(\"run-sms\"):\n"
                          f"{unit * 4}await workflow.execute_activity(sms)\n"
                          f"{unit * 3}else:\n"
                          f"{unit * 4}await workflow.execute_activity(email)\n")


def test_committed_tabs_are_rewritten_in_the_current_files_spaces() -> None:
    tabs = ("from temporalio import workflow\n\n\n@workflow.defn\nclass Flow:\n"
            "\t@workflow.run\n\tasync def run(self) -> None:\n"
            "\t\tfor i in range(2):\n\t\t\tif i:\n\t\t\t\tawait workflow.execute_activity(email)\n")
    spaces = tabs.replace("\t", "    ").replace("email", "sms").replace("(2)", "(3)")
    _, fixed = guarded(tabs, spaces, "range(3)")
    assert fixed.endswith('        if workflow.patched("run-sms"):\n'
                          "            for i in range(3):\n"
                          "                if i:\n"
                          "                    await workflow.execute_activity(sms)\n"
                          "        else:\n"
                          "            for i in range(2):\n"
                          "                if i:\n"
                          "                    await workflow.execute_activity(email)\n")


def test_windows_line_ends_are_kept() -> None:
    old = flow("await workflow.execute_activity(send_email)\n").replace("\n", "\r\n")
    new = flow("await workflow.execute_activity(send_sms)\n").replace("\n", "\r\n")
    _, fixed = guarded(old, new, "(send_sms")
    assert "\n" not in fixed.replace("\r\n", "")
    assert fixed.endswith('if workflow.patched("run-send-sms"):\r\n'
                          "            await workflow.execute_activity(send_sms)\r\n"
                          "        else:\r\n"
                          "            await workflow.execute_activity(send_email)\r\n")


def test_a_nested_function_of_a_workflow_method_is_guarded_inside_it() -> None:
    body = """\
        async def step() -> None:
            await workflow.execute_activity({}, to, start_to_close_timeout=T)
        await step()
    """
    guard, fixed = guarded(flow(body.format("send_email")), flow(body.format("send_sms")),
                           "(send_sms")
    assert guard.function == "Flow.run.step"
    assert '            if workflow.patched("step-send-sms"):\n' in fixed


def test_a_function_outside_workflow_classes_is_refused() -> None:
    helper = "\n\nasync def helper() -> None:\n    await {}()\n"
    old, new = flow("pass\n") + helper.format("a"), flow("pass\n") + helper.format("b")
    assert refused(old, new, line_of(new, "await b()")) == \
        f"line {line_of(new, 'await b()')} is not inside a method of a @workflow.defn class"
    plain = "class Flow:\n    async def run(self) -> None:\n        await {}()\n"
    assert "not inside a method" in refused(plain.format("a"), plain.format("b"), 3)


def test_a_new_method_is_refused() -> None:
    old = flow("pass\n")
    new = old + "\n    @workflow.signal\n    async def poke(self) -> None:\n        pass\n"
    assert refused(old, new, line_of(new, "def poke")) == (
        "Flow.poke is not in the committed version: a new method has no recorded "
        "histories to keep replaying")


def test_syntax_errors_are_refused() -> None:
    good = flow("await workflow.execute_activity(notify)\n")
    broken = flow("await workflow.execute_activity(notify\n")
    assert refused(good, broken, 13) == "the file has a syntax error at line 14"
    assert refused(broken, good, 14) == "the committed version does not parse"


def test_no_change_and_signature_changes_are_refused() -> None:
    same = flow("pass\n")
    assert refused(same, same, 14) == "Flow.run has not changed since the committed version"
    renamed = same.replace("to: str", "to: str, cc: str = ''")
    assert refused(same, renamed, 13) == (
        "the change touches the signature or decorators of Flow.run; only changes inside "
        "its body can be guarded")


def test_statements_sharing_a_line_are_refused() -> None:
    old = flow("await notify(to); await send_email(to)\n")
    new = flow("await notify(to); await send_sms(to)\n")
    assert refused(old, new, 14) == (
        "the change near line 14 is not a sequence of whole statements inside one block "
        "of Flow.run")


def test_a_one_line_branch_guards_the_whole_statement() -> None:
    old = flow("if to: await send_email(to)\nreturn None\n")
    new = flow("if to: await send_sms(to)\nreturn None\n")
    _, fixed = guarded(old, new, "send_sms(to)")
    assert fixed == flow("""\
        if workflow.patched("run-change-1"):
            if to: await send_sms(to)
        else:
            if to: await send_email(to)
        return None
    """)


def test_workflow_defn_in_every_spelling_is_recognised() -> None:
    for decorator, imports in [("@workflow.defn(name='F')", "from temporalio import workflow"),
                               ("@temporalio.workflow.defn", "import temporalio.workflow"),
                               ("@wdefn", "from temporalio.workflow import defn as wdefn")]:
        module = (f"{imports}\n\n\n{decorator}\nclass Flow:\n    async def run(self) -> None:\n"
                  "        await x()\n")
        result = guard_change(module, module.replace("x()", "y()"), 7)
        assert isinstance(result, Guard), decorator


def test_removals_at_either_end_of_a_block() -> None:
    both = """\
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """
    last = flow(both.splitlines(keepends=True)[0])
    _, fixed = guarded(flow(both), last, "(notify")
    assert fixed == flow("""\
        await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        if not workflow.patched("run-without-send-email"):
            await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)
    first = flow(both.splitlines(keepends=True)[1])
    _, fixed = guarded(flow(both), first, "(send_email")
    assert fixed == flow("""\
        if not workflow.patched("run-without-notify"):
            await workflow.execute_activity(notify, to, start_to_close_timeout=T)
        await workflow.execute_activity(send_email, to, start_to_close_timeout=T)
    """)


@pytest.mark.parametrize(("statement", "inner"), [
    ("try:\n    await {0}(to)\nexcept ValueError:\n    await notify(to)\n",
     "    if workflow.patched(\"run-change-1\"):\n        await send_sms(to)\n"
     "    else:\n        await send_email(to)\n"),
    ("match to:\n    case '':\n        pass\n    case _:\n        await {0}(to)\n",
     "        if workflow.patched(\"run-change-1\"):\n            await send_sms(to)\n"
     "        else:\n            await send_email(to)\n"),
    ("async with lock:\n    await {0}(to)\n",
     "    if workflow.patched(\"run-change-1\"):\n        await send_sms(to)\n"
     "    else:\n        await send_email(to)\n"),
])
def test_a_change_inside_try_match_and_with_stays_inside(statement: str, inner: str) -> None:
    old, new = flow(statement.format("send_email")), flow(statement.format("send_sms"))
    _, fixed = guarded(old, new, "send_sms(to)")
    changed = statement.format("send_sms").splitlines(keepends=True)
    at = next(i for i, line in enumerate(changed) if "send_sms" in line)
    assert fixed == flow("".join(changed[:at]) + inner + "".join(changed[at + 1:]))


def test_a_body_change_is_guarded_even_if_the_signature_changed_too() -> None:
    old = flow("await workflow.execute_activity(send_email, to)\n")
    new = flow("await workflow.execute_activity(send_sms, to)\n").replace(
        "to: str)", "to: str, cc: str = '')")
    guard, _ = guarded(old, new, "(send_sms")
    assert guard.patch_id == "run-send-sms"


def test_code_python_refuses_to_compile_is_the_files_error_not_the_guards() -> None:
    old = flow("await workflow.execute_activity(send_email, to)\nprint(end='', end='')\n")
    new = old.replace("send_email", "send_sms")
    assert refused(old, new, line_of(new, "(send_sms")) == "the file has a syntax error at line 15"
