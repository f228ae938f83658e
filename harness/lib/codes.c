/*
 * codes.c - what every reply code and enhanced status code means.
 *
 * Basic codes: RFC 5321 4.2.1 (severity and category digits), 4.2.2 /
 * 4.2.3 (the code list), 4.2.4 (502), 4.1.1.11 (455 / 555); RFC 4954
 * sections 4 and 6 (AUTH: 235 334 432 454 530 534 535 538); RFC 7504
 * (521 and 556).  Enhanced codes: RFC 3463 section 2 (syntax) and
 * section 3 (X.0.0 to X.7.7), with the later entries of the IANA
 * registry that RFC 5248 set up (RFC 3886, 4468, 4954, 5248, 6531,
 * 6710, 7293, 7372, 7505).
 *
 * The "text" columns are the RFCs' own words; the "meaning" columns are
 * ours: one sentence on what a server claims when it sends the code,
 * which is what a failure message needs to say.
 */
#include <stdio.h>
#include <string.h>
#include "smtpconf/codes.h"

/*
 * RFC 5321 4.2: "An SMTP server SHOULD send only the reply codes listed
 * in this document.  An SMTP server SHOULD use the text shown in the
 * examples whenever appropriate."  Sorted by code.
 */
static const struct sc_code_info code_table[] = {
	{ 211, "System status, or system help reply",
	  "The server is reporting its status or giving help, in answer "
	  "to a request for it.", "5321 4.2.3" },
	{ 214, "Help message",
	  "The server is answering HELP with text meant only for a human "
	  "reader.", "5321 4.2.3" },
	{ 220, "<domain> Service ready",
	  "The server names itself and is ready to talk (greeting), or is "
	  "ready to start TLS after STARTTLS.", "5321 4.2.3" },
	{ 221, "<domain> Service closing transmission channel",
	  "The server is closing the connection: the answer to QUIT (to any other command it is a close RFC 5321 3.8 does not allow).",
	  "5321 4.2.3" },
	{ 235, "Authentication Succeeded",
	  "The AUTH exchange is finished and the client is now "
	  "authenticated.", "4954 6" },
	{ 250, "Requested mail action okay, completed",
	  "The command was carried out; nothing more is needed for it.",
	  "5321 4.2.3" },
	{ 251, "User not local; will forward to <forward-path>",
	  "The recipient is elsewhere, but the server accepts the message "
	  "and takes on forwarding it.", "5321 4.2.3" },
	{ 252, "Cannot VRFY user, but will accept message and attempt "
	  "delivery",
	  "The server will not confirm the address, yet it would take a "
	  "message for it.", "5321 4.2.3" },
	{ 334, "<BASE64 server challenge>",
	  "The server is in the middle of an AUTH exchange and waits for "
	  "the client's next BASE64 response line (or \"*\" to cancel).",
	  "4954 4" },
	{ 354, "Start mail input; end with <CRLF>.<CRLF>",
	  "The server accepted DATA and now reads message content until "
	  "the line with a single dot.", "5321 4.2.3" },
	{ 421, "<domain> Service not available, closing transmission "
	  "channel",
	  "The server is shutting the session down for a temporary reason; "
	  "any command may get this, and the connection is closing.",
	  "5321 4.2.3" },
	{ 432, "A password transition is needed",
	  "Authentication needs the user to log in once with another "
	  "mechanism (typically PLAIN) before this one works.",
	  "4954 6" },
	{ 450, "Requested mail action not taken: mailbox unavailable",
	  "The mailbox cannot be used right now (busy or temporarily "
	  "blocked by policy); the same command may work later.",
	  "5321 4.2.3" },
	{ 451, "Requested action aborted: local error in processing",
	  "The server hit a temporary problem of its own and gave up on "
	  "this command.", "5321 4.2.3" },
	{ 452, "Requested action not taken: insufficient system storage",
	  "The server is temporarily out of room (or has had too many "
	  "recipients) and did not carry out the command.",
	  "5321 4.2.3" },
	{ 454, "Temporary authentication failure",
	  "Authentication (or, after STARTTLS, TLS) could not be done "
	  "because of a temporary server problem, not bad credentials.",
	  "4954 6" },
	{ 455, "Server unable to accommodate parameters",
	  "The server understands the MAIL or RCPT parameters but cannot "
	  "honour them at the moment.", "5321 4.2.3, 4.1.1.11" },
	{ 500, "Syntax error, command unrecognized",
	  "The server does not know the command verb at all (or the line "
	  "was too long to read); contrast 502, a known but unimplemented "
	  "verb.", "5321 4.2.3" },
	{ 501, "Syntax error in parameters or arguments",
	  "The verb is known but its arguments are malformed.",
	  "5321 4.2.3" },
	{ 502, "Command not implemented",
	  "The server claims to recognise the command but not to implement "
	  "it; an unknown verb should get 500, and a server must not "
	  "advertise in EHLO what it answers with 502.",
	  "5321 4.2.3, 4.2.4" },
	{ 503, "Bad sequence of commands",
	  "The command is valid but not allowed at this point of the "
	  "session (for example RCPT before MAIL).", "5321 4.2.3" },
	{ 504, "Command parameter not implemented",
	  "The command is implemented, but a parameter it was given is "
	  "not; for MAIL and RCPT parameters 555 is the specific code.",
	  "5321 4.2.3" },
	{ 521, "Host does not accept mail",
	  "The host announces, typically as its greeting, that it never "
	  "accepts mail at all, not just from this client.", "7504" },
	{ 530, "Authentication required",
	  "Server policy requires the client to authenticate (or, with "
	  "STARTTLS, to start TLS) before this command.", "4954 6" },
	{ 534, "Authentication mechanism is too weak",
	  "The chosen SASL mechanism is weaker than policy allows for this "
	  "user; another mechanism may succeed.", "4954 6" },
	{ 535, "Authentication credentials invalid",
	  "Authentication failed because the credentials were wrong or "
	  "insufficient.", "4954 6" },
	{ 538, "Encryption required for requested authentication mechanism",
	  "The chosen mechanism may only be used over an encrypted "
	  "connection (a historic code).", "4954 6" },
	{ 550, "Requested action not taken: mailbox unavailable",
	  "The mailbox does not exist, may not be accessed, or the command "
	  "was refused by policy, and retrying unchanged will not help.",
	  "5321 4.2.3" },
	{ 551, "User not local; please try <forward-path>",
	  "The recipient is not served here; the text names where the "
	  "client should send instead.", "5321 4.2.3" },
	{ 552, "Requested mail action aborted: exceeded storage allocation",
	  "The message or mailbox exceeds a storage limit, so the action "
	  "was abandoned.", "5321 4.2.3" },
	{ 553, "Requested action not taken: mailbox name not allowed",
	  "The address is not acceptable as written (for example its "
	  "syntax is wrong).", "5321 4.2.3" },
	{ 554, "Transaction failed",
	  "The transaction failed for good; as a greeting it means \"No "
	  "SMTP service here\".", "5321 4.2.3" },
	{ 555, "MAIL FROM/RCPT TO parameters not recognized or not "
	  "implemented",
	  "The server does not recognise, or cannot implement, a MAIL or "
	  "RCPT parameter; contrast 501 (malformed arguments) and 504 "
	  "(parameter of another command).", "5321 4.2.3, 4.1.1.11" },
	{ 556, "Domain does not accept mail",
	  "A relay found that the recipient's domain accepts no mail at "
	  "all (for example it has a null MX) and reports it back.",
	  "7504" },
};

#define CODE_TABLE_SIZE	(sizeof(code_table) / sizeof(code_table[0]))

/*
 * RFC 3463 section 3: the enumerated status codes, "X" standing for
 * the class.  Titles follow the section 3 headings, which are also the
 * IANA registry's (Appendix A abbreviates a few of them).
 */
static const struct sc_enhanced_info enhanced_table[] = {
	/* 3.1 Other or Undefined Status */
	{ "X.0.0", "Other undefined Status",
	  "Only the class of the problem is known; nothing more specific "
	  "was given.", "3463 3.1" },
	/* 3.2 Address Status */
	{ "X.1.0", "Other address status",
	  "Something about an address caused this status.", "3463 3.2" },
	{ "X.1.1", "Bad destination mailbox address",
	  "The mailbox (left of the @) does not exist at the destination.",
	  "3463 3.2" },
	{ "X.1.2", "Bad destination system address",
	  "The destination domain (right of the @) does not exist or "
	  "cannot take mail.", "3463 3.2" },
	{ "X.1.3", "Bad destination mailbox address syntax",
	  "The recipient address is syntactically invalid.", "3463 3.2" },
	{ "X.1.4", "Destination mailbox address ambiguous",
	  "The recipient address matches more than one mailbox at the "
	  "destination.", "3463 3.2" },
	{ "X.1.5", "Destination address valid",
	  "The recipient address is good; used on success replies.",
	  "3463 3.2" },
	{ "X.1.6", "Destination mailbox has moved, No forwarding address",
	  "The address used to be valid but no longer takes mail, and "
	  "there is no forwarding address.", "3463 3.2" },
	{ "X.1.7", "Bad sender's mailbox address syntax",
	  "The sender address is syntactically invalid.", "3463 3.2" },
	{ "X.1.8", "Bad sender's system address",
	  "The sender's domain does not exist or cannot take return "
	  "mail.", "3463 3.2" },
	{ "X.1.9", "Message relayed to non-compliant mailer",
	  "The address was valid but the message went on to a system that "
	  "cannot report further status.", "3886" },
	{ "X.1.10", "Recipient address has null MX",
	  "The recipient's domain publishes a null MX: it accepts no "
	  "mail.", "7505" },
	/* 3.3 Mailbox Status */
	{ "X.2.0", "Other or undefined mailbox status",
	  "The mailbox exists but something about it caused this status.",
	  "3463 3.3" },
	{ "X.2.1", "Mailbox disabled, not accepting messages",
	  "The mailbox exists but has been disabled for incoming mail.",
	  "3463 3.3" },
	{ "X.2.2", "Mailbox full",
	  "The recipient is over quota; normally a temporary failure.",
	  "3463 3.3" },
	{ "X.2.3", "Message length exceeds administrative limit",
	  "The message is over this mailbox's own size limit.",
	  "3463 3.3" },
	{ "X.2.4", "Mailing list expansion problem",
	  "The address is a mailing list that could not be expanded.",
	  "3463 3.3" },
	/* 3.4 Mail system status */
	{ "X.3.0", "Other or undefined mail system status",
	  "The destination system normally takes mail, but something "
	  "about it caused this status.", "3463 3.4" },
	{ "X.3.1", "Mail system full",
	  "The destination system as a whole is out of storage.",
	  "3463 3.4" },
	{ "X.3.2", "System not accepting network messages",
	  "The host is not taking messages now (shutdown, load, "
	  "maintenance).", "3463 3.4" },
	{ "X.3.3", "System not capable of selected features",
	  "The destination does not support features the message asked "
	  "for.", "3463 3.4" },
	{ "X.3.4", "Message too big for system",
	  "The message is over the system's per-message size limit.",
	  "3463 3.4" },
	{ "X.3.5", "System incorrectly configured",
	  "The system's configuration does not let it accept this "
	  "message.", "3463 3.4" },
	{ "X.3.6", "Requested priority was changed",
	  "The message was accepted, but not at the priority that was "
	  "asked for.", "6710" },
	/* 3.5 Network and Routing Status */
	{ "X.4.0", "Other or undefined network or routing status",
	  "Something went wrong in networking or routing that no other "
	  "code describes.", "3463 3.5" },
	{ "X.4.1", "No answer from host",
	  "The next host did not answer the connection attempt.",
	  "3463 3.5" },
	{ "X.4.2", "Bad connection",
	  "A connection was made but the transaction could not be "
	  "completed over it.", "3463 3.5" },
	{ "X.4.3", "Directory server failure",
	  "A directory server (such as DNS) needed for forwarding was "
	  "unavailable.", "3463 3.5" },
	{ "X.4.4", "Unable to route",
	  "No next hop could be determined from the routing information.",
	  "3463 3.5" },
	{ "X.4.5", "Mail system congestion",
	  "The mail system is congested and could not deliver now.",
	  "3463 3.5" },
	{ "X.4.6", "Routing loop detected",
	  "The message was forwarded too many times, which points to a "
	  "loop.", "3463 3.5" },
	{ "X.4.7", "Delivery time expired",
	  "The message became too old before it could be delivered.",
	  "3463 3.5" },
	/* 3.6 Mail Delivery Protocol Status */
	{ "X.5.0", "Other or undefined protocol status",
	  "A protocol problem occurred that no other code describes.",
	  "3463 3.6" },
	{ "X.5.1", "Invalid command",
	  "A command was out of sequence or is not supported.",
	  "3463 3.6" },
	{ "X.5.2", "Syntax error",
	  "A command could not be interpreted: bad syntax or unknown "
	  "verb.", "3463 3.6" },
	{ "X.5.3", "Too many recipients",
	  "More recipients were given than the protocol could deliver in "
	  "one go.", "3463 3.6" },
	{ "X.5.4", "Invalid command arguments",
	  "A known command had arguments that are out of range or "
	  "unrecognised.", "3463 3.6" },
	{ "X.5.5", "Wrong protocol version",
	  "The two sides could not settle on a protocol version.",
	  "3463 3.6" },
	{ "X.5.6", "Authentication Exchange line is too long",
	  "A BASE64 line of the AUTH exchange was longer than the server's "
	  "buffer for the mechanism.", "4954 6" },
	/* 3.7 Message Content or Message Media Status */
	{ "X.6.0", "Other or undefined media error",
	  "Something about the message content made it undeliverable.",
	  "3463 3.7" },
	{ "X.6.1", "Media not supported",
	  "The message's media type is not supported on the path.",
	  "3463 3.7" },
	{ "X.6.2", "Conversion required and prohibited",
	  "The content would have to be converted, and conversion is not "
	  "permitted.", "3463 3.7" },
	{ "X.6.3", "Conversion required but not supported",
	  "The content would have to be converted, and no host on the path "
	  "can do it (e.g. 8bit to 7bit).", "3463 3.7" },
	{ "X.6.4", "Conversion with loss performed",
	  "The message was delivered after a conversion that lost data.",
	  "3463 3.7" },
	{ "X.6.5", "Conversion Failed",
	  "A required conversion was attempted and failed.", "3463 3.7" },
	{ "X.6.6", "Message content not available",
	  "Content the message refers to could not be fetched from a "
	  "remote system.", "4468" },
	{ "X.6.7", "Non-ASCII addresses not permitted for that "
	  "sender/recipient",
	  "A MAIL or RCPT used a non-ASCII address where that is not "
	  "allowed.", "6531" },
	{ "X.6.8", "UTF-8 string reply is required, but not permitted by "
	  "the SMTP client",
	  "Showing the mailbox needs a UTF-8 reply, which the client did "
	  "not allow.", "6531" },
	{ "X.6.9", "UTF-8 header message cannot be transferred to one or "
	  "more recipients, so the message must be rejected",
	  "A message with UTF-8 header fields cannot reach some "
	  "recipient, so it is refused after DATA.", "6531" },
	{ "X.6.10", "Deprecated duplicate of X.6.8",
	  "Registered by mistake as a copy of X.6.8; servers should send "
	  "X.6.8 instead.", "6531" },
	/* 3.8 Security or Policy Status */
	{ "X.7.0", "Other or undefined security status",
	  "A security or policy matter caused this status and cannot (or "
	  "may not) be described further.", "3463 3.8" },
	{ "X.7.1", "Delivery not authorized, message refused",
	  "The sender is not allowed to send to this destination (host or "
	  "recipient filtering).", "3463 3.8" },
	{ "X.7.2", "Mailing list expansion prohibited",
	  "The sender is not allowed to send to this mailing list.",
	  "3463 3.8" },
	{ "X.7.3", "Security conversion required but not possible",
	  "Delivery needed a conversion between secure messaging "
	  "protocols that could not be done.", "3463 3.8" },
	{ "X.7.4", "Security features not supported",
	  "The message uses security features the delivery protocol "
	  "cannot carry.", "3463 3.8" },
	{ "X.7.5", "Cryptographic failure",
	  "A system entitled to validate or decrypt the message lacked a "
	  "valid key or similar information.", "3463 3.8" },
	{ "X.7.6", "Cryptographic algorithm not supported",
	  "A system entitled to validate or decrypt the message does not "
	  "support its algorithm.", "3463 3.8" },
	{ "X.7.7", "Message integrity failure",
	  "The message was found corrupted or altered when validated.",
	  "3463 3.8" },
	{ "X.7.8", "Authentication credentials invalid",
	  "AUTH failed because the credentials were wrong or "
	  "insufficient.", "4954 6" },
	{ "X.7.9", "Authentication mechanism is too weak",
	  "The chosen SASL mechanism is weaker than policy allows.",
	  "4954 6" },
	{ "X.7.10", "Encryption Needed",
	  "A strong privacy layer such as TLS is needed before this "
	  "authentication mechanism may be used.", "5248" },
	{ "X.7.11", "Encryption required for requested authentication "
	  "mechanism",
	  "The chosen mechanism is only allowed over an encrypted "
	  "connection.", "4954 6" },
	{ "X.7.12", "A password transition is needed",
	  "The user must log in once with another mechanism (typically "
	  "PLAIN) before this one works.", "4954 6" },
	{ "X.7.13", "User Account Disabled",
	  "Authentication succeeded but the account is disabled until an "
	  "administrator re-enables it.", "5248" },
	{ "X.7.14", "Trust relationship required",
	  "The submission server needs a configured trust relationship "
	  "with a third party to fetch the content.", "5248" },
	{ "X.7.15", "Priority Level is too low",
	  "The requested priority is below what the server accepts now.",
	  "6710" },
	{ "X.7.16", "Message is too big for the specified priority",
	  "At the requested priority the server only accepts smaller "
	  "messages.", "6710" },
	{ "X.7.17", "Mailbox owner has changed",
	  "RRVS: the recipient mailbox has not had the same owner since "
	  "the given time.", "7293" },
	{ "X.7.18", "Domain owner has changed",
	  "RRVS: the recipient domain changed owner since the given time.",
	  "7293" },
	{ "X.7.19", "RRVS test cannot be completed",
	  "RRVS: the receiver lacks the data needed to check ownership "
	  "since the given time.", "7293" },
	{ "X.7.20", "No passing DKIM signature found",
	  "The message carried no DKIM signature that verified.", "7372" },
	{ "X.7.21", "No acceptable DKIM signature found",
	  "DKIM signatures verified, but none was acceptable to the "
	  "receiver.", "7372" },
	{ "X.7.22", "No valid author-matched DKIM signature found",
	  "No verifying DKIM signature matched the From address.",
	  "7372" },
	{ "X.7.23", "SPF validation failed",
	  "The SPF check produced a fail result that policy rejects.",
	  "7372" },
	{ "X.7.24", "SPF validation error",
	  "Evaluating SPF for the message ended in an error.", "7372" },
	{ "X.7.25", "Reverse DNS validation failed",
	  "The client's IP address failed a reverse DNS check required by "
	  "policy.", "7372" },
	{ "X.7.26", "Multiple authentication checks failed",
	  "The message failed more than one authentication check.",
	  "7372" },
	{ "X.7.27", "Sender address has null MX",
	  "The sender's domain publishes a null MX, so no bounce could be "
	  "returned to it.", "7505" },
};

#define ENHANCED_TABLE_SIZE \
	(sizeof(enhanced_table) / sizeof(enhanced_table[0]))

/* RFC 5321 4.2.1: the first digit of a reply code. */
#define CLASS_2	"Positive Completion reply: the requested action " \
		"has been successfully completed"
#define CLASS_3	"Positive Intermediate reply: the command was " \
		"accepted, but the action waits for more information"
#define CLASS_4	"Transient Negative Completion reply: the action did " \
		"not occur, but the condition is temporary and the " \
		"client should try again"
#define CLASS_5	"Permanent Negative Completion reply: the action did " \
		"not occur and the client should not repeat the exact " \
		"request"
/* RFC 5321 4.2.1: the second digit. */
#define CAT_0	"syntax (syntax errors, unimplemented or superfluous " \
		"commands)"
#define CAT_1	"information (status or help)"
#define CAT_2	"connections (the transmission channel)"
#define CAT_3	"unspecified category"
#define CAT_4	"unspecified category"
#define CAT_5	"mail system (status of the receiver mail system)"

/* class_meanings - first digit 2..5, alone then with each second digit */
static const char *const class_meanings[4][7] = {
	{ CLASS_2, CLASS_2 "; " CAT_0, CLASS_2 "; " CAT_1,
	  CLASS_2 "; " CAT_2, CLASS_2 "; " CAT_3, CLASS_2 "; " CAT_4,
	  CLASS_2 "; " CAT_5 },
	{ CLASS_3, CLASS_3 "; " CAT_0, CLASS_3 "; " CAT_1,
	  CLASS_3 "; " CAT_2, CLASS_3 "; " CAT_3, CLASS_3 "; " CAT_4,
	  CLASS_3 "; " CAT_5 },
	{ CLASS_4, CLASS_4 "; " CAT_0, CLASS_4 "; " CAT_1,
	  CLASS_4 "; " CAT_2, CLASS_4 "; " CAT_3, CLASS_4 "; " CAT_4,
	  CLASS_4 "; " CAT_5 },
	{ CLASS_5, CLASS_5 "; " CAT_0, CLASS_5 "; " CAT_1,
	  CLASS_5 "; " CAT_2, CLASS_5 "; " CAT_3, CLASS_5 "; " CAT_4,
	  CLASS_5 "; " CAT_5 },
};

/* sc_code_lookup - info for a basic code, NULL when unknown */
const struct sc_code_info *sc_code_lookup(int code)
{
	size_t i;

	for (i = 0; i < CODE_TABLE_SIZE; i++)
		if (code_table[i].code == code)
			return &code_table[i];
	return NULL;
}

/* sc_code_table - the whole table, for listing; *n receives its size */
const struct sc_code_info *sc_code_table(size_t *n)
{
	if (n != NULL)
		*n = CODE_TABLE_SIZE;
	return code_table;
}

/* sc_code_class_meaning - meaning of a first digit (2..5) or two digits */
const char *sc_code_class_meaning(int first_digit)
{
	if (first_digit >= 2 && first_digit <= 5)
		return class_meanings[first_digit - 2][0];
	if (first_digit >= 20 && first_digit <= 55 && first_digit % 10 <= 5)
		return class_meanings[first_digit / 10 - 2]
				     [first_digit % 10 + 1];
	return "not a reply class RFC 5321 defines (the first digit must "
	       "be 2-5 and the second 0-5)";
}

/* subcode_len - length of a 1-3 digit sub-code without leading zero, or 0 */
static size_t subcode_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && n < 4 && s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n > 3)
		return 0;
	/* RFC 3463 2: "MUST be expressed without leading zero digits" */
	if (n > 1 && s[0] == '0')
		return 0;
	return n;
}

/*
 * sc_enhanced_valid - 1 when s is a syntactically valid enhanced code
 * (RFC 3463 2: status-code = class "." subject "." detail, class =
 * "2"/"4"/"5", subject and detail = 1*3digit without leading zeros).
 * All len bytes must belong to the code.
 */
int sc_enhanced_valid(const char *s, size_t len)
{
	size_t n, pos;

	if (s == NULL || len < 5)
		return 0;
	if ((s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return 0;
	pos = 2;
	n = subcode_len(s + pos, len - pos);
	if (n == 0 || pos + n >= len || s[pos + n] != '.')
		return 0;
	pos += n + 1;
	n = subcode_len(s + pos, len - pos);
	return n != 0 && pos + n == len;
}

/* sc_enhanced_lookup - info for "5.1.1" (found as "X.1.1"), NULL if unknown */
const struct sc_enhanced_info *sc_enhanced_lookup(const char *code)
{
	char key[16];
	size_t len, i;

	if (code == NULL)
		return NULL;
	len = strlen(code);
	if (len >= sizeof(key))
		return NULL;
	memcpy(key, code, len + 1);
	/* Accept the table's own "X.1.1" form as well as "5.1.1". */
	if (key[0] == 'X' || key[0] == 'x')
		key[0] = '5';
	if (!sc_enhanced_valid(key, len))
		return NULL;
	key[0] = 'X';
	for (i = 0; i < ENHANCED_TABLE_SIZE; i++)
		if (strcmp(enhanced_table[i].code, key) == 0)
			return &enhanced_table[i];
	return NULL;
}

/* sc_enhanced_table - the whole enhanced table */
const struct sc_enhanced_info *sc_enhanced_table(size_t *n)
{
	if (n != NULL)
		*n = ENHANCED_TABLE_SIZE;
	return enhanced_table;
}

/* sc_code_describe - "502 Command not implemented" into out */
void sc_code_describe(int code, char *out, size_t outlen)
{
	const struct sc_code_info *info;

	if (out == NULL || outlen == 0)
		return;
	info = sc_code_lookup(code);
	if (info != NULL)
		snprintf(out, outlen, "%d %s", code, info->text);
	else if (code < 0)
		snprintf(out, outlen, "%d (no valid reply code)", code);
	else
		snprintf(out, outlen, "%d (not a code any RFC defines)", code);
}
