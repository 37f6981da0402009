/**
 * The alerts topic as this instance folds it (startAlertWorkflow follows it). The anomaly operator asks it
 * to catch up before acting on a partition that moved here: the previous owner's last alert events may
 * have been committed just before, and an operator that has not folded them would open an alert twice.
 */
export class AlertFeed {
  private follower: { catchUp(): Promise<void> } | undefined;

  /** Set once the workflow follows the topic; until then (in memory, in a backtest) there is nothing to wait for. */
  follow(follower: { catchUp(): Promise<void> }): void {
    this.follower = follower;
  }

  /** Resolves once every alert event the topic held when called is folded. */
  async caughtUp(): Promise<void> {
    await this.follower?.catchUp();
  }
}
