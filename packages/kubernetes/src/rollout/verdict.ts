/** Where one resource's rollout stands; `done` and `failed` are final. */
export type RolloutState = 'progressing' | 'done' | 'failed';

export interface RolloutVerdict {
  state: RolloutState;
  /** Machine-readable: ProgressDeadlineExceeded, CrashLoopBackOff, ImagePullBackOff, Unschedulable, ... */
  reason?: string;
  /** One line for a human, e.g. `2/3 updated, 1/3 available`. */
  message: string;
}
