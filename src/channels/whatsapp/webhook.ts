/**
 * The WhatsApp Cloud API webhook payload, checked with zod. Unknown fields are allowed (Meta
 * adds them over time); what Jardam reads must be there and of the right type.
 */
import { z } from 'zod';
import type { Inbound } from '../../engine/types.js';

const reply = z.object({ id: z.string().max(256), title: z.string() });

export const waMessageSchema = z.object({
  from: z.string().regex(/^\d{5,20}$/),
  id: z.string().min(1).max(256),
  timestamp: z.string().regex(/^\d+$/).optional(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({ type: z.string(), button_reply: reply.optional(), list_reply: reply.extend({ description: z.string().optional() }).optional() })
    .optional(),
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
});
export type WaMessage = z.infer<typeof waMessageSchema>;

export const waWebhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string().optional(),
      changes: z.array(
        z.object({
          field: z.string(),
          value: z.object({
            messaging_product: z.literal('whatsapp').optional(),
            metadata: z.object({ phone_number_id: z.string() }).partial().optional(),
            messages: z.array(waMessageSchema).optional(),
            statuses: z.array(z.unknown()).optional(),
          }),
        }),
      ),
    }),
  ),
});
export type WaWebhook = z.infer<typeof waWebhookSchema>;

export function messagesOf(payload: WaWebhook): WaMessage[] {
  return payload.entry.flatMap((e) => e.changes.flatMap((c) => (c.field === 'messages' ? (c.value.messages ?? []) : [])));
}

/** What the engine gets from one WhatsApp message, or undefined for media it cannot read. */
export function toInbound(message: WaMessage): Inbound | undefined {
  if (message.type === 'text' && message.text) return { text: message.text.body };
  const picked = message.interactive?.button_reply ?? message.interactive?.list_reply;
  if (message.type === 'interactive' && picked) return { action: picked.id };
  if (message.type === 'button' && message.button?.payload) return { action: message.button.payload };
  return undefined;
}
