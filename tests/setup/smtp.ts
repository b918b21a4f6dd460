import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

// A real SMTP server in the test process (issue 18: no mocked transport). nodemailer
// delivers to it; mailparser reads what arrived.

export interface TestSmtp {
  url: string;
  received: ParsedMail[];
  /** When set, the server refuses every recipient with a temporary failure (451). */
  refuseRecipients: boolean;
  /**
   * When set, runs (and is awaited) before each recipient is accepted: a test's way to do
   * something while a mail is in the middle of being sent.
   */
  beforeAccepting: ((address: string) => Promise<void>) | null;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const control: { refuseRecipients: boolean; beforeAccepting: TestSmtp["beforeAccepting"] } = { refuseRecipients: false, beforeAccepting: null };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (control.refuseRecipients) return callback(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
      if (!control.beforeAccepting) return callback();
      control.beforeAccepting(address.address).then(() => callback(), callback);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    received,
    get refuseRecipients() {
      return control.refuseRecipients;
    },
    set refuseRecipients(refuse: boolean) {
      control.refuseRecipients = refuse;
    },
    get beforeAccepting() {
      return control.beforeAccepting;
    },
    set beforeAccepting(hook: TestSmtp["beforeAccepting"]) {
      control.beforeAccepting = hook;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The address a parsed mail went to. */
export const recipientOf = (mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined);

/** The .ics attached to a parsed mail, as text. */
export const calendarOf = (mail: ParsedMail) => mail.attachments.find((a) => a.contentType.startsWith("text/calendar"))?.content.toString("utf8");
