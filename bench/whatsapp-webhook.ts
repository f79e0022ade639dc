// A WhatsApp Cloud API webhook carrying one customer text message, as Meta posts it (the shape the channel
// adapter verifies and parses), for the benchmarks that drive the server through its real webhook.
export const BENCH_PHONE_ID = '106540352242922';

export function whatsappTextWebhook(m: { waId: string; id: string; text: string }): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: BENCH_PHONE_ID },
              contacts: [{ profile: { name: `Customer ${m.waId.slice(-4)}` }, wa_id: m.waId }],
              messages: [{ from: m.waId, id: m.id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: m.text } }],
            },
          },
        ],
      },
    ],
  });
}
