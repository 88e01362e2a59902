/**
 * Update and message ids seen recently, so a webhook delivered twice is answered once. Bounded:
 * the oldest ids are forgotten first. (One process only; shared storage comes with the database.)
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True if the id was already seen; otherwise remembers it. */
  checkAndAdd(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return false;
  }
}
