import { afterAll, describe, expect, it } from "vitest";
import { createCryptVerifiers } from "./crypt.js";
import { createCryptPool } from "./crypt-pool.js";

const pool = createCryptPool({ size: 2 });
const crypt = createCryptVerifiers({ pool });
afterAll(() => pool.close());

/** passlib's UPASS_TABLE (tests/test_handlers.py): checks that passwords are hashed as UTF-8. */
const UPASS_TABLE = "t\u00e1\u0411\u2113\u0259";

// Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512" (https://www.akkadia.org/drepper/SHA-crypt.txt), test
// vectors; the hashes are the spec's outputs (salt cut at 16 characters, rounds=10 raised to 1000).
const DREPPER: [string, string][] = [
  ["Hello world!", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"],
  ["Hello world!", "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"],
  ["This is just a test", "$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5"],
  [
    "a very much longer text to encrypt.  This one even stretches over morethan one line.",
    "$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1",
  ],
  [
    "we have a short salt string but not a short password",
    "$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/",
  ],
  ["a short string", "$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD"],
  [
    "the minimum number is still observed",
    "$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC",
  ],
  [
    "Hello world!",
    "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
  ],
  [
    "Hello world!",
    "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
  ],
  [
    "This is just a test",
    "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0",
  ],
  [
    "a very much longer text to encrypt.  This one even stretches over morethan one line.",
    "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1",
  ],
  [
    "we have a short salt string but not a short password",
    "$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0",
  ],
  [
    "a short string",
    "$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1",
  ],
  [
    "the minimum number is still observed",
    "$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.",
  ],
];

// passlib tests/test_handlers.py known_correct_hashes (ThirVondukr/passlib @ 7061d86): md5_crypt (John the Ripper
// 1.7.9 vectors + custom), sha256_crypt and sha512_crypt (John the Ripper 1.7.9 + UTF-8 vector).
const PASSLIB: [string, string][] = [
  ["U*U*U*U*", "$1$dXc3I7Rw$ctlgjDdWJLMT.qwHsWhXR1"],
  ["U*U***U", "$1$dXc3I7Rw$94JPyQc/eAgQ3MFMCoMF.0"],
  ["U*U***U*", "$1$dXc3I7Rw$is1mVIAEtAhIzSdfn5JOO0"],
  ["*U*U*U*U", "$1$eQT9Hwbt$XtuElNJD.eW5MN5UCWyTQ0"],
  ["", "$1$Eu.GHtia$CFkL/nE1BYTlEPiVx1VWX0"],
  [" ", "$1$m/5ee7ol$bZn0kIBFipq39e.KDXX8I0"],
  ["4lpHa N|_|M3r1K W/ Cur5Es: #$%(*)(*%#", "$1$jQS7o98J$V6iTcr71CGgwW2laf17pi1"],
  ["s", "$1$ssssssss$YgmLTApYTv12qgTwBoj8i/"],
  [UPASS_TABLE, "$1$d6/Ky1lU$/xpf8m7ftmWLF.TjHCqel0"],
  ["U*U*U*U*", "$5$LKO/Ute40T3FNF95$U0prpBQd4PloSGU0pnpM4z9wKn4vZ1.jsrzQfPqxph9"],
  ["", "$5$kc7lRD1fpYg0g.IP$d7CMTcEqJyTXyeq8hTdu/jB/I6DGkoo62NXbHIR7S43"],
  ["with unic\u00d6de", "$5$rounds=1000$IbG0EuGQXw5EkMdP$LQ5AfPf13KufFsKtmazqnzSGZ4pxtUNw3woQ.ELRDF4"],
  [
    "U*U*U*U*",
    "$6$LKO/Ute40T3FNF95$6S/6T2YuOIHY0N3XpLKABJ3soYcXD9mB7uVbtEZDj/LNscVhZoZ9DEH.sBciDrMsHOWOoASbNLTypH/5X26gN0",
  ],
  [
    "",
    "$6$ojWH1AiTee9x1peC$QVEnTvRVlPRhcLQCk/HnHaZmlGAAjCfrAN0FtOsOnUk5K5Bn/9eLHHiRzrTzaIKjW9NTLNIBUCtNVOowWS2mN.",
  ],
  [
    UPASS_TABLE,
    "$6$rounds=40000$PEZTJDiyzV28M3.m$GTlnzfzGB44DGd1XqlmC4erAJKCP.rhvLvrYxiT38htrNzVGBnplFOHjejUGVrCfusGWxLQCc3pFO0A/1jYYr0",
  ],
];

const STOCK = [crypt.md5cryptMcf, crypt.sha256cryptMcf, crypt.sha512cryptMcf];
const KRATOS_PREFIX: Record<string, string> = {
  $1$: "$md5-crypt$",
  $5$: "$sha256-crypt$",
  $6$: "$sha512-crypt$",
};
const verifierFor = (hash: string) =>
  [...STOCK, crypt.md5crypt, crypt.sha256crypt, crypt.sha512crypt].find((v) => v.matches(hash))!;
const verifyAll = (pairs: [string, string][], tweak: (hash: string) => string = (h) => h) =>
  Promise.all(
    pairs.map(async ([password, hash]) => ({
      hash,
      ok: await verifierFor(tweak(hash)).verify(password, tweak(hash)),
    })),
  );
const allOk = (pairs: [string, string][]) => pairs.map(([, hash]) => ({ hash, ok: true }));

describe("crypt(3) published vectors", () => {
  it("Drepper's SHA-crypt spec vectors verify under the stock $5$/$6$ prefixes", async () => {
    expect(await verifyAll(DREPPER)).toEqual(allOk(DREPPER));
  });
  it("the same vectors verify under Kratos's $sha256-crypt$/$sha512-crypt$ prefixes", async () => {
    const kratos = (hash: string) => KRATOS_PREFIX[hash.slice(0, 3)] + hash.slice(3);
    expect(await verifyAll(DREPPER, kratos)).toEqual(allOk(DREPPER));
  });
  it("passlib's md5_crypt / sha256_crypt / sha512_crypt known-correct hashes verify (UTF-8 passwords)", async () => {
    expect(await verifyAll(PASSLIB)).toEqual(allOk(PASSLIB));
    const kratos = (hash: string) => KRATOS_PREFIX[hash.slice(0, 3)] + hash.slice(3);
    expect(await verifyAll(PASSLIB, kratos)).toEqual(allOk(PASSLIB));
  });
  it("a wrong password (one extra character) does not verify", async () => {
    const wrong = [...DREPPER, ...PASSLIB].map(([p, h]): [string, string] => [`${p}x`, h]);
    expect((await verifyAll(wrong)).filter((r) => r.ok)).toEqual([]);
  });
  it("a near-miss checksum for the spec's salt and password does not verify", async () => {
    await expect(
      crypt.sha256cryptMcf.verify(
        "Hello world!",
        "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZF4dtQ4.C",
      ),
    ).resolves.toBe(false);
  });
});
