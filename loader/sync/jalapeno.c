// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "jalapeno.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/addr.h"
#include "net/http.h"
#include "fabric/usid.h"

/* More SIDs than SRV6_MAX_SEGS carriers could ever hold: refused unread. */
#define SID_LIST_MAX (SRV6_MAX_SEGS * 8)
/* best-paths answers with more paths than this are not what we asked for. */
#define BEST_PATHS_MAX 1024
#define HOPS_MAX 1024
#define QUOTE_MAX 80

/* --- text helpers ----------------------------------------------------------- */

bool utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	while (s < end) {
		unsigned int c = *s, need, cp;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return false;
		if ((size_t)(end - s) <= need)
			return false;
		for (unsigned int i = 1; i <= need; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += need + 1;
	}
	return true;
}

void jalapeno_quote(const char *text, size_t len, char *buf, size_t max)
{
	bool cut = len + 1 > max;
	size_t keep = cut ? (max > 4 ? max - 4 : (max ? max - 1 : 0)) : len, o;

	if (max == 0)
		return;
	for (o = 0; o < keep; o++) {
		unsigned char ch = (unsigned char)text[o];

		buf[o] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	if (cut && max > 4) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* A "\u0000" escape would end a cJSON string early and hide what follows. */
static bool has_escaped_nul(const char *body, size_t len)
{
	for (const char *p = body; (p = memmem(p, (size_t)(body + len - p), "u0000", 5)); p++) {
		size_t slashes = 0;

		while (p - slashes > body && p[-1 - (long)slashes] == '\\')
			slashes++;
		if (slashes % 2)
			return true;
	}
	return false;
}

/* A JSON string fit to appear in an error message. */
static const char *quoted(const char *s, char buf[QUOTE_MAX])
{
	jalapeno_quote(s, strlen(s), buf, QUOTE_MAX);
	return buf;
}

/* --- URLs --------------------------------------------------------------------- */

static int base_len(const char *endpoint, size_t *len, struct err *e)
{
	size_t n = strlen(endpoint);

	if (strncmp(endpoint, "http://", 7) && strncmp(endpoint, "https://", 8))
		return errf(e, "Jalapeño endpoint \"%.200s\" is not an http:// or https:// URL",
			    endpoint);
	for (const char *p = endpoint; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("?#", *p))
			return errf(e, "Jalapeño endpoint \"%.200s\": give the API base without spaces, query or fragment (e.g. http://host:30800/api/v1)",
				    endpoint);
	while (n && endpoint[n - 1] == '/')
		n--;
	*len = n;
	return 0;
}

static char *escaped(const char *text)
{
	size_t len = strlen(text) * 3 + 1;
	char *buf = malloc(len);

	if (buf && http_query_escape(text, buf, len)) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

int jalapeno_path_url(enum jalapeno_query q, const char *endpoint, const char *collection,
		      const char *source, const char *destination, unsigned int limit, char **url,
		      struct err *e)
{
	char *c = escaped(collection), *s = escaped(source), *d = escaped(destination);
	size_t blen;
	int rc = -1;

	*url = NULL;
	if (!c || !s || !d) {
		errf(e, "out of memory");
		goto out;
	}
	if (base_len(endpoint, &blen, e))
		goto out;
	if (q == JALAPENO_LOAD)
		rc = asprintf(url, "%.*s/graphs/%s/shortest_path/load?source=%s&destination=%s&direction=outbound",
			      (int)blen, endpoint, c, s, d);
	else
		rc = asprintf(url, "%.*s/graphs/%s/shortest_path/best-paths?source=%s&destination=%s&direction=outbound&limit=%u",
			      (int)blen, endpoint, c, s, d, limit);
	if (rc < 0) {
		*url = NULL;
		errf(e, "out of memory");
	}
	rc = rc < 0 ? -1 : 0;
out:
	free(c);
	free(s);
	free(d);
	return rc;
}

int jalapeno_topology_url(const char *endpoint, const char *collection, char **url,
			  struct err *e)
{
	char *c = escaped(collection);
	size_t blen;
	int rc = -1;

	*url = NULL;
	if (!c)
		return errf(e, "out of memory");
	if (base_len(endpoint, &blen, e) == 0) {
		rc = asprintf(url, "%.*s/graphs/%s/topology", (int)blen, endpoint, c);
		if (rc < 0) {
			*url = NULL;
			errf(e, "out of memory");
		}
		rc = rc < 0 ? -1 : 0;
	}
	free(c);
	return rc;
}

/* --- HTTP status and JSON ------------------------------------------------------ */

/* "query.source: Field required" from FastAPI's 422 detail array. */
static void validation_detail(const cJSON *detail, char *buf, size_t len)
{
	const cJSON *first = cJSON_GetArrayItem(detail, 0), *loc, *msg, *part;
	char q[QUOTE_MAX];
	size_t o = 0;

	buf[0] = '\0';
	if (!cJSON_IsObject(first))
		return;
	loc = cJSON_GetObjectItemCaseSensitive(first, "loc");
	msg = cJSON_GetObjectItemCaseSensitive(first, "msg");
	if (!cJSON_IsArray(loc))
		loc = NULL;
	cJSON_ArrayForEach(part, loc) {
		if (cJSON_IsString(part) && o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "." : "",
					      quoted(part->valuestring, q));
	}
	if (cJSON_IsString(msg) && o < len)
		snprintf(buf + o, len - o, "%s%s", o ? ": " : "", quoted(msg->valuestring, q));
}

static int status_error(long status, const char *body, size_t len, struct err *e)
{
	const char *hint = status == 404 ? " (check the endpoint: it is the API base, e.g. http://host:30800/api/v1)" : "";
	cJSON *root = NULL;
	const cJSON *detail;
	char q[QUOTE_MAX], why[256];

	if (len && !memchr(body, 0, len) && utf8_valid(body, len))
		root = cJSON_ParseWithLength(body, len);
	detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
	if (cJSON_IsString(detail) && detail->valuestring[0] == '\0') {
		errf(e, "HTTP %ld with an empty detail%s", status,
		     status == 500 ? " (what Jalapeño answers for an unknown collection: check --collection or TOPOLOGY_COLLECTION)" : hint);
	} else if (cJSON_IsString(detail)) {
		errf(e, "HTTP %ld: %s%s", status, quoted(detail->valuestring, q), hint);
	} else if (cJSON_IsArray(detail)) {
		validation_detail(detail, why, sizeof(why));
		errf(e, "HTTP %ld: request rejected%s%s", status, why[0] ? ": " : "", why);
	} else if (len) {
		jalapeno_quote(body, len, q, sizeof(q));
		errf(e, "HTTP %ld: \"%s\"%s", status, q, hint);
	} else {
		errf(e, "HTTP %ld with an empty body%s", status, hint);
	}
	cJSON_Delete(root);
	return -1;
}

/* The text ends inside a string or with brackets still open: the answer was cut. */
static bool cut_short(const char *body, size_t len)
{
	bool in_string = false, escaped = false;
	long depth = 0;

	for (size_t i = 0; i < len; i++) {
		char ch = body[i];

		if (in_string) {
			if (escaped)
				escaped = false;
			else if (ch == '\\')
				escaped = true;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return in_string || depth > 0;
}

int jalapeno_check(long status, const char *body, size_t len, size_t max, struct err *e)
{
	if (status != 200)
		return status_error(status, body, len, e);
	if (len > max)
		return errf(e, "answer larger than %zu bytes", max);
	if (len == 0)
		return errf(e, "empty answer");
	if (memchr(body, 0, len))
		return errf(e, "answer contains a NUL byte: not JSON");
	if (!utf8_valid(body, len))
		return errf(e, "answer is not valid UTF-8");
	return 0;
}

int jalapeno_json(long status, const char *body, size_t len, size_t max, cJSON **root,
		  struct err *e)
{
	const char *end = NULL;

	*root = NULL;
	if (jalapeno_check(status, body, len, max, e))
		return -1;
	if (has_escaped_nul(body, len))
		return errf(e, "answer contains an escaped NUL character");
	*root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!*root) {
		size_t at = end && end >= body && end <= body + len ? (size_t)(end - body) : 0;

		if (cut_short(body, len))
			return errf(e, "answer is not JSON (cut short after %zu bytes)", len);
		return errf(e, "answer is not JSON (syntax error near byte %zu of %zu)", at, len);
	}
	while (end < body + len && strchr(" \t\r\n", *end))
		end++;
	if (end != body + len) {
		cJSON_Delete(*root);
		*root = NULL;
		return errf(e, "answer has data after the JSON document (byte %zu of %zu)",
			    (size_t)(end - body), len);
	}
	return 0;
}

/* --- the SID builder ------------------------------------------------------------ */

/* SIDs and blocks as the server wrote them, checked before any parser sees them. */
static bool short_ascii(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (n >= INET6_ADDRSTRLEN || (unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return n > 0;
}

int jalapeno_build_path(const char *const *sids, size_t n, const char *usid_block,
			bool has_function, __u16 function, struct srv6_path *out, struct err *e)
{
	__u8 (*v)[SRV6_ADDR_LEN];
	struct usid_block b;
	char q[QUOTE_MAX];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return errf(e, "srv6_sid_list is empty: no SIDs on the path (no route)");
	if (n > SID_LIST_MAX)
		return errf(e, "srv6_sid_list has %zu SIDs: more than %d carriers hold", n,
			    SRV6_MAX_SEGS);
	v = calloc(n, sizeof(*v));
	if (!v)
		return errf(e, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct err why;

		if (!short_ascii(sids[i]) || addr_parse_sid(sids[i], v[i], &why)) {
			errf(e, "srv6_sid_list[%zu] \"%s\" is not a usable SID", i,
			     quoted(sids[i], q));
			goto out;
		}
	}
	if (usid_block) {
		struct err why;

		if (!short_ascii(usid_block) || usid_block_parse(usid_block, &b, &why)) {
			errf(e, "usid_block \"%s\" is not a micro-SID block such as \"fc00:0:\"",
			     quoted(usid_block, q));
			goto out;
		}
	} else {
		/* Jalapeño's own default: the first SID's first two groups. */
		memset(&b, 0, sizeof(b));
		memcpy(b.prefix, v[0], 4);
		b.bits = 32;
	}
	/* A uSID of 0 is the end-of-carrier marker: the SIDs after it would be lost. */
	for (size_t i = 0; i < n; i++) {
		__u16 id;

		if (usid_of_sid(&b, v[i], &id) && id == 0) {
			errf(e, "srv6_sid_list[%zu] \"%s\" has micro-SID 0, which ends a carrier", i,
			     quoted(sids[i], q));
			goto out;
		}
	}
	rc = usid_compose(&b, (const __u8(*)[SRV6_ADDR_LEN])v, n, has_function, function, out, e);
	for (unsigned int i = 0; rc == 0 && i < out->seg_count; i++) {
		char text[ADDR_STR_LEN];
		struct err why;

		if (addr_parse_sid(addr_sid_str(out->segs[i], text), out->segs[i], &why)) {
			rc = errf(e, "the path composes to an unusable SID %s", text);
			memset(out, 0, sizeof(*out));
		}
	}
out:
	free(v);
	return rc;
}

/* --- answers ----------------------------------------------------------------------- */

static const cJSON *field(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

static bool absent(const cJSON *item)
{
	return !item || cJSON_IsNull(item);
}

/* usid without trailing colons equals the block without them: "fc00:0:::". */
static bool usid_is_empty(const char *usid, const char *block)
{
	size_t ul = strlen(usid), bl = strlen(block);

	while (ul && usid[ul - 1] == ':')
		ul--;
	while (bl && block[bl - 1] == ':')
		bl--;
	return ul == bl && strncasecmp(usid, block, ul) == 0;
}

/* One path's srv6_data into segments. */
static int path_from_srv6(const cJSON *srv6, const struct jalapeno_want *w, struct srv6_path *out,
			  struct err *e)
{
	const cJSON *error, *list, *block, *usid, *item;
	const char *sids[SID_LIST_MAX];
	char q[QUOTE_MAX];
	size_t n = 0;

	if (!cJSON_IsObject(srv6))
		return errf(e, "srv6_data is missing or not an object");
	error = field(srv6, "error");
	if (cJSON_IsString(error))
		return errf(e, "the API could not build the SID list: \"%s\"",
			    quoted(error->valuestring, q));
	if (!absent(error))
		return errf(e, "srv6_data carries an error");
	list = field(srv6, "srv6_sid_list");
	if (!cJSON_IsArray(list))
		return errf(e, "srv6_data.srv6_sid_list is missing or not an array");
	block = field(srv6, "usid_block");
	if (!absent(block) && !cJSON_IsString(block))
		return errf(e, "srv6_data.usid_block is not a string");
	usid = field(srv6, "srv6_usid");
	if (!absent(usid) && !cJSON_IsString(usid))
		return errf(e, "srv6_data.srv6_usid is not a string");
	cJSON_ArrayForEach(item, list) {
		if (n == SID_LIST_MAX)
			return errf(e, "srv6_sid_list has more than %d SIDs: more than %d carriers hold",
				    SID_LIST_MAX, SRV6_MAX_SEGS);
		if (!cJSON_IsString(item))
			return errf(e, "srv6_sid_list[%zu] is not a string", n);
		sids[n++] = item->valuestring;
	}
	if (n == 0)
		return errf(e, "srv6_sid_list is empty: no SIDs on the path (no route)");
	if (cJSON_IsString(usid)) {
		if (usid->valuestring[0] == '\0')
			return errf(e, "srv6_usid is empty (no route)");
		if (usid_is_empty(usid->valuestring,
				  cJSON_IsString(block) ? block->valuestring : "fc00:0:"))
			return errf(e, "srv6_usid \"%s\" holds no micro-SID (no route)",
				    quoted(usid->valuestring, q));
	}
	return jalapeno_build_path(sids, n, cJSON_IsString(block) ? block->valuestring : NULL,
				   w->has_function, w->function, out, e);
}

/* destination_info's address of family f, where it gives one; every path must agree. */
static int destination_addr(const cJSON *info, enum addr_fam f, struct jalapeno_answer *out,
			    struct err *e)
{
	const char *name = addr_fam_field(f);
	const cJSON *addr = field(info, name);
	struct srv6_peer_key key;
	char q[QUOTE_MAX];
	bool has;

	if (absent(addr))
		return 0;
	if (!cJSON_IsString(addr))
		return errf(e, "destination_info.%s is not a string", name);
	if ((addr->valuestring[0] && !short_ascii(addr->valuestring)) ||
	    addr_parse_host_field(addr->valuestring, f, &key, &has))
		return errf(e, "destination_info.%s \"%s\" is not a unicast %s host address", name,
			    quoted(addr->valuestring, q), addr_fam_name(f));
	if (!has)
		return 0;
	if (out->addrs.has[f] && memcmp(&out->addrs.key[f], &key, sizeof(key)))
		return errf(e, "the paths disagree on destination_info.%s", name);
	out->addrs.has[f] = true;
	out->addrs.key[f] = key;
	return 0;
}

/* destination_info: that it is the host asked for, and its addresses. */
static int destination(const cJSON *obj, const struct jalapeno_want *w, struct jalapeno_answer *out,
		       struct err *e)
{
	const cJSON *info = field(obj, "destination_info"), *id;
	char q[QUOTE_MAX];

	if (!cJSON_IsObject(info))
		return errf(e, "destination_info is missing or not an object");
	id = field(info, "_id");
	if (!absent(id) && !cJSON_IsString(id))
		return errf(e, "destination_info._id is not a string");
	if (cJSON_IsString(id) && strcmp(id->valuestring, w->destination))
		return errf(e, "the answer is for \"%s\", not %s", quoted(id->valuestring, q),
			    w->destination);
	for (int f = 0; f < ADDR_FAMS; f++)
		if ((w->families & ADDR_FAM_BIT(f)) && destination_addr(info, (enum addr_fam)f, out, e))
			return -1;
	return 0;
}

static int found(const cJSON *root, struct err *e)
{
	const cJSON *f = field(root, "found"), *msg;
	char q[QUOTE_MAX];

	if (!cJSON_IsObject(root))
		return errf(e, "answer is not a JSON object");
	if (!cJSON_IsBool(f))
		return errf(e, "answer has no boolean \"found\"");
	if (cJSON_IsTrue(f))
		return 0;
	msg = field(root, "message");
	if (cJSON_IsString(msg))
		return errf(e, "no path found (the API says \"%s\")", quoted(msg->valuestring, q));
	return errf(e, "no path found");
}

static int parse_load(const cJSON *root, const struct jalapeno_want *w, struct jalapeno_answer *out,
		      struct err *e)
{
	if (destination(root, w, out, e) || path_from_srv6(field(root, "srv6_data"), w,
							   &out->peer.paths[0], e))
		return -1;
	out->peer.path_count = 1;
	return 0;
}

/* Hops of one best-paths entry: its vertex list, else hopcount. */
static int path_hops(const cJSON *p, unsigned int *hops, struct err *e)
{
	const cJSON *vertices = field(p, "path"), *hc = field(p, "hopcount");
	int n;

	if (cJSON_IsArray(vertices)) {
		n = cJSON_GetArraySize(vertices);
		if (n < 1 || n > HOPS_MAX)
			return errf(e, "path has %d vertices", n);
		*hops = (unsigned int)n - 1;
		return 0;
	}
	if (cJSON_IsNumber(hc) && hc->valuedouble >= 0 && hc->valuedouble <= HOPS_MAX &&
	    hc->valuedouble == (double)(int)hc->valuedouble) {
		*hops = (unsigned int)hc->valuedouble;
		return 0;
	}
	return errf(e, "path has neither a vertex list nor a hopcount");
}

static bool path_seen(const struct srv6_peer *peer, const struct srv6_path *p)
{
	for (unsigned int i = 0; i < peer->path_count; i++)
		if (peer->paths[i].seg_count == p->seg_count &&
		    !memcmp(peer->paths[i].segs, p->segs, sizeof(p->segs[0]) * p->seg_count))
			return true;
	return false;
}

/* Up to max_paths distinct paths among the shortest (by hops) the API gave. */
static int parse_best_paths(const cJSON *root, const struct jalapeno_want *w,
			    struct jalapeno_answer *out, struct err *e)
{
	const cJSON *paths = field(root, "paths"), *p;
	struct srv6_path *built = NULL;
	unsigned int *hops = NULL, min = UINT_MAX;
	size_t n = 0, i = 0;
	int rc = -1;

	if (!cJSON_IsArray(paths))
		return errf(e, "answer has no \"paths\" array");
	cJSON_ArrayForEach(p, paths)
		n++;
	if (n == 0)
		return errf(e, "answer says found but lists no paths");
	if (n > BEST_PATHS_MAX)
		return errf(e, "answer lists %zu paths: more than asked", n);
	built = calloc(n, sizeof(*built));
	hops = calloc(n, sizeof(*hops));
	if (!built || !hops) {
		errf(e, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(p, paths) {
		if (!cJSON_IsObject(p)) {
			errf(e, "paths[%zu] is not an object", i);
			goto out;
		}
		if (path_hops(p, &hops[i], e) || destination(p, w, out, e) ||
		    path_from_srv6(field(p, "srv6_data"), w, &built[i], e)) {
			err_prefix(e, "paths[%zu]", i);
			goto out;
		}
		if (hops[i] < min)
			min = hops[i];
		i++;
	}
	/* Longer detours would load more links than the shortest paths do. */
	for (i = 0; i < n && out->peer.path_count < (w->max_paths ? w->max_paths : 1) &&
		    out->peer.path_count < SRV6_MAX_PATHS; i++)
		if (hops[i] == min && !path_seen(&out->peer, &built[i]))
			out->peer.paths[out->peer.path_count++] = built[i];
	rc = 0;
out:
	free(built);
	free(hops);
	return rc;
}

int jalapeno_parse(const struct jalapeno_want *w, long status, const char *body, size_t len,
		   struct jalapeno_answer *out, struct err *e)
{
	cJSON *root;
	int rc;

	memset(out, 0, sizeof(*out));
	if (jalapeno_json(status, body, len, JALAPENO_PATH_BODY_MAX, &root, e))
		return -1;
	rc = found(root, e);
	if (rc == 0)
		rc = w->query == JALAPENO_LOAD ? parse_load(root, w, out, e)
					       : parse_best_paths(root, w, out, e);
	cJSON_Delete(root);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}
