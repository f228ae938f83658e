#!/usr/bin/python3
"""aiosmtpd_auth.py - aiosmtpd with one test account, for ci/mta/aiosmtpd.sh.

usage: aiosmtpd_auth.py HOST PORT CERT KEY
       (the account: SMTPCONF_AUTH_USER and SMTPCONF_AUTH_PASS)

aiosmtpd's own command line (python3 -m aiosmtpd) has no way to name an
account, so AUTH always fails there.  This starts the same server (the
Sink handler: every message accepted and dropped; STARTTLS with CERT
and KEY, not required) with an authenticator that knows exactly one
user, so the AUTH scenarios can log in (RFC 4954).  Besides aiosmtpd's
built-in PLAIN and LOGIN it offers CRAM-MD5 (RFC 2195), written here as
aiosmtpd's documented handler hook auth_CRAM__MD5.  Everything else is
aiosmtpd's default, auth_require_tls included: AUTH is listed and
accepted only inside TLS (plaintext AUTH gets 538).

As root it reads the key, binds, then switches to nobody, as
`python3 -m aiosmtpd` does; it stops on SIGINT or SIGTERM.
"""
import asyncio
import hmac
import os
import pwd
import secrets
import signal
import ssl
import sys

from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import MISSING, SMTP, AuthResult


class TestAccount(Sink):
    """Sink that knows one account and speaks CRAM-MD5 too."""

    def __init__(self, user, password):
        super().__init__()
        self.user = user.encode()
        self.password = password.encode()

    def check(self, login, password):
        """True for exactly the test account (constant-time compare)."""
        return (hmac.compare_digest(login, self.user) and
                hmac.compare_digest(password, self.password))

    def authenticate(self, server, session, envelope, mechanism, data):
        """aiosmtpd's authenticator for PLAIN and LOGIN."""
        ok = self.check(data.login, data.password)
        # handled=False: aiosmtpd then sends the 535 itself.
        return AuthResult(success=ok, handled=False,
                          auth_data=data.login if ok else None)

    async def auth_CRAM__MD5(self, server, args):
        """RFC 2195: challenge, then "user HMAC-MD5(password, challenge)"."""
        if len(args) != 1:
            # CRAM-MD5 has no initial response (RFC 4954 4: 501).
            await server.push("501 5.5.2 CRAM-MD5 takes no initial response")
            return AuthResult(success=False, handled=True)
        challenge = "<%s@%s>" % (secrets.token_hex(8), server.hostname)
        answer = await server.challenge_auth(challenge.encode())
        if answer is MISSING:
            # challenge_auth already sent the 501 (cancel) or 501 (base64).
            return AuthResult(success=False, handled=True)
        user, _, digest = answer.rpartition(b" ")
        want = hmac.new(self.password, challenge.encode(), "md5")
        ok = (hmac.compare_digest(user, self.user) and
              hmac.compare_digest(digest, want.hexdigest().encode()))
        return AuthResult(success=ok, handled=False,
                          auth_data=user if ok else None)


def tls_context(cert, key):
    """The server side of STARTTLS, as aiosmtpd's --tlscert/--tlskey."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def drop_root():
    """As root, become nobody (after the key is read and the port bound)."""
    if os.getuid() != 0:
        return
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


def main(argv):
    """Serve until SIGINT or SIGTERM."""
    if len(argv) != 5:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    host, port, cert, key = argv[1], int(argv[2]), argv[3], argv[4]
    user = os.environ.get("SMTPCONF_AUTH_USER", "")
    password = os.environ.get("SMTPCONF_AUTH_PASS", "")
    if not user or not password:
        sys.stderr.write("aiosmtpd_auth.py: set SMTPCONF_AUTH_USER and "
                         "SMTPCONF_AUTH_PASS\n")
        return 2
    handler = TestAccount(user, password)
    ctx = tls_context(cert, key)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, data_size_limit=None, tls_context=ctx,
                     require_starttls=False,
                     authenticator=handler.authenticate, loop=loop),
        host=host, port=port))
    drop_root()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, loop.stop)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
