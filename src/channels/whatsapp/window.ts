/**
 * WhatsApp's customer-service window: a business may send free-form messages to a contact only
 * within 24 hours of that contact's last message. Outside it, only approved templates may be sent.
 * The last message's time is the stored `lastInboundAt` (any instance may have received it), or,
 * for the reply to a message, that message's own time.
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export function windowOpen(lastInboundAt: number | undefined, now: number = Date.now()): boolean {
  return lastInboundAt !== undefined && now - lastInboundAt < SERVICE_WINDOW_MS;
}
