import { describe, expect, it } from "vitest";
import { fillPlaceholders, firstName, unknownPlaceholders } from "~/reports/nudge-text";
import { renderNudge } from "~/reports/nudges.server";

describe("nudge text", () => {
  it("fills {first name} with the first word of the name and {next module} with its title, everywhere", () => {
    const person = { name: "  Ann  Marie Able ", nextModule: "Safe at the door" };
    expect(fillPlaceholders("{first name}: {next module}. Bye {first name}.", person)).toBe("Ann: Safe at the door. Bye Ann.");
    expect(fillPlaceholders("Try {next module}", { name: "Bo", nextModule: null })).toBe("Try a refresher of any module");
    expect(firstName("   ")).toBe("there");
  });

  it("names every braced word that is not a placeholder, once", () => {
    expect(unknownPlaceholders("{first name} {firstname} {next module} {Name} {firstname}")).toEqual(["{firstname}", "{Name}"]);
    expect(unknownPlaceholders("no braces")).toEqual([]);
  });

  it("escapes the message, the name and the module title in HTML, and keeps the text as written", () => {
    const mail = renderNudge(
      { subject: "Hi {first name}", body: "<b>{first name}</b> & {next module}\nline two\n\nnext paragraph" },
      { name: `<img src=x onerror="a">`, nextModule: `"Q" & <A>` },
      { module: "http://doorstep.test/modules/q?a=1&b=2", unsubscribe: "http://doorstep.test/account" },
    );
    expect(mail.subject).toBe(`Hi <img`);
    expect(mail.text).toContain(`<b><img</b> & "Q" & <A>`);
    expect(mail.text).toContain("Start here: http://doorstep.test/modules/q?a=1&b=2");
    expect(mail.html).not.toMatch(/<img|<b>|<A>/);
    expect(mail.html).toContain("<p>&#60;b&#62;&#60;img&#60;/b&#62; &#38; &#34;Q&#34; &#38; &#60;A&#62;<br>line two</p>\n<p>next paragraph</p>");
    expect(mail.html).toContain(`<a href="http://doorstep.test/modules/q?a=1&#38;b=2">`);
    expect(mail.html).toContain(`<a href="http://doorstep.test/account">Stop these emails</a>`);
  });
});
