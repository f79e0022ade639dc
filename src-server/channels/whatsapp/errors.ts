// WhatsApp Cloud API error codes, classified and put in words for the agent
// (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
import type { SendOutcome } from '../adapter';

export function classifyWhatsAppError(code: number | undefined, httpStatus: number, detail?: string): SendOutcome {
  const more = detail ? ` (${detail})` : '';
  switch (code) {
    case 131047:
      return { kind: 'permanent', reason: 'Needs a template: more than 24 hours have passed since the customer last wrote, so WhatsApp only accepts an approved template message.' };
    case 130429:
      return { kind: 'retry', reason: 'WhatsApp rate limit reached for this number; retrying later.' };
    case 131056:
      return { kind: 'retry', reason: 'Too many messages to this customer in a short time (pair rate limit); retrying later.' };
    case 131000:
    case 131016:
    case 1:
    case 2:
      return { kind: 'retry', reason: `WhatsApp had a temporary problem (code ${code}); retrying.` };
    case 131026:
      return { kind: 'permanent', reason: 'Undeliverable: the number may not be on WhatsApp, or the customer has not accepted the current terms or uses an old app version.' };
    case 131048:
      return { kind: 'permanent', reason: 'WhatsApp blocked the message: this number is limited because too many recipients marked its messages as spam.' };
    case 131049:
      return { kind: 'permanent', reason: 'WhatsApp did not deliver the message to keep engagement healthy (marketing limit for this customer).' };
    case 131050:
      return { kind: 'permanent', reason: 'The customer has stopped marketing messages from this business.' };
    case 131051:
      return { kind: 'permanent', reason: 'WhatsApp does not support this message type.' };
    case 131052:
    case 131053:
      return { kind: 'permanent', reason: 'WhatsApp could not process the media of this message.' };
    case 190:
      return { kind: 'permanent', reason: 'The WhatsApp access token is invalid or expired: an administrator must update the channel settings.' };
    case 10:
    case 200:
      return { kind: 'permanent', reason: 'The WhatsApp app lacks permission to send for this number: an administrator must check the app settings.' };
    case 100:
      return { kind: 'permanent', reason: `WhatsApp refused the request as invalid${more}.` };
    case 4:
    case 80007:
      return { kind: 'retry', reason: 'WhatsApp API rate limit reached; retrying later.' };
  }
  if (code !== undefined && code >= 132000 && code < 133000) return { kind: 'permanent', reason: `The template was refused by WhatsApp (code ${code})${more}.` };
  if (httpStatus === 429) return { kind: 'retry', reason: 'WhatsApp rate limit reached; retrying later.' };
  if (httpStatus >= 500) return { kind: 'retry', reason: `WhatsApp answered with a server error (${httpStatus}); retrying.` };
  return { kind: 'permanent', reason: `WhatsApp refused the message${code !== undefined ? ` (code ${code})` : ` (HTTP ${httpStatus})`}${more}.` };
}
