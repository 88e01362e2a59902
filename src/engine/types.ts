/** What goes into the engine and what comes out: the contract every channel speaks. */
import type { Lang, UserCountry } from '../types.js';
import type { DetailKind } from '../kb/schema.js';

/** What the engine remembers about a user between messages (stored by the caller). */
export interface Session {
  lang?: Lang;
  country?: UserCountry;
  /** The last entry answered, for feedback. */
  lastEntry?: string;
  /** Actions of the last numbered options, so "2" picks the second. */
  options?: string[];
}

export interface Inbound {
  /** What the user typed; absent for a button press. */
  readonly text?: string;
  /**
   * A button's action: `entry:<id>`, `intent:<id>`, `lang:<fr|ru|ky>`, `country:<KZ|KG|RU|OTHER>`,
   * `feedback:<up|down>`; `start` or `start:<lang>` (first contact), `ask:lang`, `ask:country`.
   */
  readonly action?: string;
}

export type ReplyKind = 'answer' | 'clarify' | 'fallback' | 'emergency' | 'intent';

export interface ReplyOption {
  readonly action: string;
  readonly label: string;
  /** For entry options: the entry and its topics (main first). */
  readonly entry?: string;
  readonly topics?: readonly string[];
}

export interface Reply {
  readonly kind: ReplyKind;
  readonly intent?: string;
  readonly entry?: string;
  readonly topics: readonly string[];
  /** A fallback because the question asked for this detail and the documents do not give it. */
  readonly detail?: DetailKind;
  readonly lang: Lang;
  /** How sure the engine is that this is the right reply (0…1). */
  readonly confidence: number;
  /** The whole message as the user sees it. */
  readonly text: string;
  /** The first line of `text` when it is a heading (answers), for channels that can style it. */
  readonly title?: string;
  /** The last paragraph of `text` when it is the source line, for channels that can style it. */
  readonly source?: string;
  /** Quick replies / buttons, in order. */
  readonly options: readonly ReplyOption[];
  /** The feedback buttons belong under this reply (answers only). */
  readonly askFeedback: boolean;
}

export interface TurnResult {
  readonly reply: Reply;
  readonly session: Session;
}
