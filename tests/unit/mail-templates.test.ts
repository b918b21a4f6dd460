import { describe, expect, it } from "vitest";
import { composeMail, escapeHtml, signInLinkMail } from "~/mail/templates";

describe("mail templates", () => {
  it("escape every value in the HTML and keep the plain text readable", () => {
    const mail = signInLinkMail({ name: `<img src=x onerror=alert(1)> "Bo" & Co`, url: "https://doorstep.example/login/link/abc?x=1&y=2", minutes: 15 });
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt; &quot;Bo&quot; &amp; Co");
    expect(mail.html).toContain('href="https://doorstep.example/login/link/abc?x=1&amp;y=2"');
    expect(mail.text).toContain(`Hello <img src=x onerror=alert(1)> "Bo" & Co,`);
    expect(mail.text).toContain("https://doorstep.example/login/link/abc?x=1&y=2");
    expect(mail.text).toContain("works once, for 15 minutes");
  });

  it("keep line breaks out of subjects and greetings, and add an unsubscribe link only when given one", () => {
    const mail = composeMail({ subject: "Hi\r\nBcc: evil@example.org", greeting: "Hello A\nB,", paragraphs: ["p"], unsubscribeUrl: "https://d.example/unsubscribe/t" });
    expect(mail.subject).toBe("Hi Bcc: evil@example.org");
    expect(mail.text.split("\n")[0]).toBe("Hello A B,");
    expect(mail.text).toContain("Stop these emails: https://d.example/unsubscribe/t");
    expect(mail.html).toContain('href="https://d.example/unsubscribe/t"');
    expect(composeMail({ subject: "s", greeting: "g", paragraphs: [] }).text).not.toMatch(/Stop these emails/);
    expect(escapeHtml(`'`)).toBe("&#39;");
  });
});
