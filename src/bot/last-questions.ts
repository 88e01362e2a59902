/**
 * The last answered question of each user, redacted, for an hour, in this process only: when a
 * 👎 follows, that question is kept for the knowledge-gap report. Answered questions are never
 * written to the database (privacy); a 👎 handled by another instance is counted without its text.
 */
const TTL_MS = 60 * 60 * 1000;

export class LastQuestions {
  private readonly questions = new Map<string, { text: string; at: number }>();

  constructor(
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  remember(key: string, text: string): void {
    this.questions.delete(key);
    this.questions.set(key, { text, at: this.now() });
    if (this.questions.size > this.capacity) this.questions.delete(this.questions.keys().next().value!);
  }

  /** The question, once: a second 👎 does not file it twice. */
  take(key: string): string | undefined {
    const found = this.questions.get(key);
    this.questions.delete(key);
    return found && this.now() - found.at < TTL_MS ? found.text : undefined;
  }
}
