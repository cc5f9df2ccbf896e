import { describe, expect, it } from "vitest";
import { emailProblem, isValidEmail, type EmailProblem } from "../email.js";

describe("the e-mail rule", () => {
  it.each([
    ["taro.yamada+shop@example.co.jp"],
    ["hanako@example.jp"],
    ["info@shop.example.ne.jp"],
    // Addresses Japanese carriers issued before 2009: dots before the @ and doubled.
    ["taro..yamada.@docomo.ne.jp"],
    ["o'brien@example.com"],
    ["user_name-1@sub-domain.example.com"],
    ["a!#$%&'*+/=?^_`{|}~-@example.jp"],
    // Internationalised domains: Unicode labels and their punycode form.
    ["info@例え.jp"],
    ["info@xn--r8jz45g.jp"],
    ["x@a.b"],
    [`${"a".repeat(64)}@example.jp`],
    [`a@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(60)}`], // 254 characters
  ])("accepts %s", (email) => {
    expect(emailProblem(email)).toBeNull();
    expect(isValidEmail(email)).toBe(true);
  });

  it.each<[string, EmailProblem]>([
    [`${"a".repeat(65)}@example.jp`, "localPartTooLong"],
    [`a@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(61)}`, "tooLong"], // 255 characters
    ["taro.example.jp", "notOneAt"],
    ["taro@yamada@example.jp", "notOneAt"],
    ["", "notOneAt"],
    ["taro@example.jp\u0000", "controlCharacter"],
    ["taro@example.jp\r\nBcc: victim@example.com", "controlCharacter"],
    ["taro\u001b@example.jp", "controlCharacter"],
    ["taro@exa\u202Eelpm.jp", "controlCharacter"],
    ["taro@example\ud800.jp", "controlCharacter"],
    ["Taro <taro@example.jp>", "angleBracket"],
    ["<taro@example.jp>", "angleBracket"],
    ['"taro yamada"@example.jp', "quotedLocalPart"],
    ['"taro@home"@example.jp', "quotedLocalPart"],
    ["user@[1.2.3.4]", "ipLiteralDomain"],
    ["user@[IPv6:2001:db8::1]", "ipLiteralDomain"],
    ["user@192.168.0.1", "ipLiteralDomain"],
    ["ta ro@example.jp", "invalidLocalPart"],
    ["taro,hanako@example.jp", "invalidLocalPart"],
    ["taro(comment)@example.jp", "invalidLocalPart"],
    ["taro\\@example.jp", "invalidLocalPart"],
    ["...@example.jp", "invalidLocalPart"],
    ["@example.jp", "invalidLocalPart"],
    ["山田@example.jp", "invalidLocalPart"],
    ["taro@example", "invalidDomain"],
    ["taro@", "invalidDomain"],
    ["taro@.example.jp", "invalidDomain"],
    ["taro@example..jp", "invalidDomain"],
    ["taro@example.jp.", "invalidDomain"],
    ["taro@-example.jp", "invalidDomain"],
    ["taro@example-.jp", "invalidDomain"],
    ["taro@exa mple.jp", "invalidDomain"],
    ["taro@exa_mple.jp", "invalidDomain"],
    [`taro@${"b".repeat(64)}.jp`, "invalidDomain"],
  ])("refuses %s (%s)", (email, problem) => {
    expect(emailProblem(email)).toBe(problem);
    expect(isValidEmail(email)).toBe(false);
  });
});
