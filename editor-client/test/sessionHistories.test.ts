import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { History } from '../src/history/historyModel';
import { SessionHistories } from '../src/history/sessionHistories';
import { FIXTURES } from './paths';

function load(name: string): History {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.history.json`), 'utf8')) as History;
}

const stop = (eventId: number) => ({ eventId, description: `Event ${eventId}`, reason: 'breakpoint' });

describe('the history view belongs to a session', () => {
  it('is cleared when a new replay starts, and shows its history once the adapter sends it', () => {
    const sessions = new SessionHistories();
    sessions.started('a', 'Replay greeting');
    sessions.historyArrived('a', load('greeting'));
    sessions.stoppedAt('a', stop(18));
    assert.strictEqual(sessions.view().history?.workflowType, 'GreetingWorkflow');
    sessions.terminated('a');
    sessions.started('b', 'Replay lifecycle');
    // Not the previous workflow with the new session's stop on one of its events.
    assert.deepStrictEqual(sessions.view(), { history: null, current: null,
      message: 'Loading the history of "Replay lifecycle"…' });
    sessions.stoppedAt('b', stop(1));
    assert.strictEqual(sessions.view().history, null);
    sessions.historyArrived('b', load('lifecycle'));
    assert.strictEqual(sessions.view().history?.workflowId, load('lifecycle').workflowId);
    assert.deepStrictEqual(sessions.view().current, stop(1));
    sessions.follow('a');  // ended and no longer shown: forgotten
    assert.strictEqual(sessions.shown(), 'b');
  });

  it('ignores what a session not shown says, and follows the active session back', () => {
    const sessions = new SessionHistories();
    sessions.started('a', 'A');
    sessions.historyArrived('a', load('greeting'));
    sessions.started('b', 'B');
    sessions.stoppedAt('a', stop(7));
    assert.strictEqual(sessions.view().current, null);
    assert.ok(!sessions.isShown('a'));
    sessions.follow('a');
    assert.deepStrictEqual(sessions.view().current, stop(7));
    assert.strictEqual(sessions.view().history?.workflowType, 'GreetingWorkflow');
  });

  it('says why there is no history when the launch failed, not in a toast', () => {
    const sessions = new SessionHistories();
    sessions.started('a', 'Replay');
    sessions.historyFailed('a', 'the replay did not start, so there is no event map');
    assert.deepStrictEqual(sessions.view(), { history: null, current: null,
      message: 'No history to show: the replay did not start, so there is no event map' });
  });

  it('says so when the session ends before its history came', () => {
    const sessions = new SessionHistories();
    sessions.started('a', 'Replay');
    sessions.terminated('a');
    sessions.historyFailed('a', 'Canceled');  // VS Code drops the request of an ended session
    assert.strictEqual(sessions.view().message, 'No history to show: the replay did not start');
  });

  it('shows how the replay ended, and keeps the history after the session', () => {
    const sessions = new SessionHistories();
    sessions.started('a', 'Replay');
    sessions.historyArrived('a', load('greeting'));
    sessions.stoppedAt('a', stop(22));
    assert.strictEqual(sessions.view().message, undefined, 'a stop says where it is instead');
    sessions.replayEnded('a', 'Replay finished: 34 events replayed deterministically');
    sessions.terminated('a');
    const view = sessions.view();
    assert.strictEqual(view.current, null);
    assert.strictEqual(view.message, 'Replay finished: 34 events replayed deterministically');
    assert.strictEqual(view.history?.workflowType, 'GreetingWorkflow',
      'kept, to toggle breakpoints for the next run');
  });
});
