import { describe, expect, it } from "vitest";
import { parseAddress } from "./mail-address.js";

// Expected results follow Go's net/mail.ParseAddress (src/net/mail/message.go and message_test.go in golang/go).
describe("parseAddress (Go net/mail.ParseAddress)", () => {
  it.each([
    ["jdoe@machine.example", "jdoe@machine.example"],
    ["John Doe <jdoe@machine.example>", "jdoe@machine.example"],
    ['"Joe Q. Public" <john.q.public@example.com>', "john.q.public@example.com"],
    ["<jdoe@machine.example>", "jdoe@machine.example"],
    ["  jdoe@machine.example  ", "jdoe@machine.example"],
    ["jdoe@machine.example (John Doe)", "jdoe@machine.example"],
    ['"quoted local"@example.com', "quoted local@example.com"],
    ['"esc\\"aped"@example.com', 'esc"aped@example.com'],
    ["jdoe@[192.168.0.1]", "jdoe@[192.168.0.1]"],
    ["jdoe@[IPv6:::1]", "jdoe@[IPv6:::1]"],
    ["jdoe@[::ffff:1.2.3.4]", "jdoe@[::ffff:1.2.3.4]"],
    ["Group: jdoe@machine.example;", "jdoe@machine.example"],
    ["Jörg Müller <jörg@example.com>", "jörg@example.com"],
    ["föo😀@ory.sh", "föo😀@ory.sh"],
  ])("%j gives %j", (input, address) => {
    expect(parseAddress(input)).toEqual({ address });
  });

  it.each([
    ["", "mail: no address"],
    ["foobar", "mail: missing '@' or angle-addr"],
    ["John Doe", "mail: no angle-addr"],
    ["foo@", "mail: missing '@' or angle-addr"],
    ["@bar", "mail: missing word in phrase: mail: invalid string"],
    ["a@b@c", 'mail: expected single address, got "@c"'],
    ["John <jdoe@machine.example", "mail: unclosed angle-addr"],
    ['"unclosed@example.com', "mail: missing word in phrase: mail: unclosed quoted-string"],
    // A failed addr-spec is re-read as a display name, so the addr-spec's own error is not the one reported.
    ['""@example.com', "mail: missing '@' or angle-addr"],
    ["jdoe@[300.1.1.1]", "mail: missing '@' or angle-addr"],
    ["jdoe@[::1]", "mail: missing '@' or angle-addr"],
    ["jdoe@[1.2.3.4%eth0]", "mail: missing '@' or angle-addr"],
    ["jdoe@example.com (unclosed", "mail: misformatted parenthetical comment"],
    ["Group: a@b.c, d@e.f;", "mail: group with multiple addresses"],
    ["Group: ;", "mail: empty group"],
    ["a@b.c, d@e.f", 'mail: expected single address, got ", d@e.f"'],
  ])("%j fails with %j", (input, error) => {
    expect(parseAddress(input)).toEqual({ error });
  });
});
