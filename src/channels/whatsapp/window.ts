/**
 * WhatsApp's customer-service window: a business may send free-form messages to a contact only
 * within 24 hours of that contact's last message. Outside it, only approved templates may be sent.
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export class ServiceWindow {
  private readonly lastInbound = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a message from the contact (its own timestamp when WhatsApp gives one). */
  opened(contact: string, at: number = this.now()): void {
    this.lastInbound.set(contact, Math.max(at, this.lastInbound.get(contact) ?? 0));
  }

  isOpen(contact: string): boolean {
    const last = this.lastInbound.get(contact);
    return last !== undefined && this.now() - last < SERVICE_WINDOW_MS;
  }

  forget(contact: string): void {
    this.lastInbound.delete(contact);
  }
}
