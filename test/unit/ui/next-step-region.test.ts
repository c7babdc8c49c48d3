/**
 * A next step for a subject in another Region than the run's (issue 23): the cluster a store
 * leaves, a cluster found with --regions. In the sandbox the Region is written only when the
 * operator chose it, so a step about another Region must name it, or it pastes against the wrong one.
 */
import { describe, expect, it } from 'vitest';
import { nextStepIn, type NextStepContext } from '../../../src/ui/next-step.js';

const sandboxRun: NextStepContext = { globals: { sandbox: true }, env: {}, region: 'us-east-1' };
const awsRun: NextStepContext = { globals: { sandbox: false, profile: 'ops' }, env: {}, region: 'eu-west-1' };

describe('nextStepIn', () => {
  it("the run's own Region: the run's flags as they are (none written in the sandbox)", () => {
    expect(nextStepIn(sandboxRun, 'us-east-1')(['retire-cluster', 'cluster-1'])).toBe(
      'kscli retire-cluster cluster-1 --sandbox',
    );
    expect(nextStepIn(awsRun, 'eu-west-1')(['retire-cluster', 'cluster-1'])).toBe(
      'kscli retire-cluster cluster-1 --region eu-west-1 --profile ops',
    );
  });

  it('another Region: --region names it, in the sandbox too', () => {
    expect(nextStepIn(sandboxRun, 'us-west-2')(['retire-cluster', 'cluster-1', '--delete-backups'])).toBe(
      'kscli retire-cluster cluster-1 --delete-backups --sandbox --region us-west-2',
    );
    expect(nextStepIn(awsRun, 'us-west-2')(['retire-cluster', 'cluster-1'])).toBe(
      'kscli retire-cluster cluster-1 --region us-west-2 --profile ops',
    );
  });
});
