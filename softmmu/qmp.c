/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP, the JSON monitor: the input streamer, capabilities negotiation,
 * command dispatch, replies and events, in QEMU 7.2's shapes.
 *
 *     <- {"QMP": {"version": {"qemu": {"micro": 0, "minor": 2,
 *         "major": 7}, "package": "Kestrel 0.1.0"}, "capabilities":
 *         ["oob"]}}
 *     -> {"execute": "qmp_capabilities"}
 *     <- {"return": {}}
 *     -> {"execute": "stop", "id": 7}
 *     <- {"timestamp": {"seconds": 1700000000, "microseconds": 5},
 *         "event": "STOP"}
 *     <- {"return": {}, "id": 7}
 *
 * The streamer cuts the byte stream into top-level JSON values by
 * counting brackets outside strings, so one read may hold several
 * commands or part of one; json-glib then parses each value.  Bad input
 * never closes the connection: a parse error is a GenericError reply.
 * Limits, so that no input exhausts memory: a value still incomplete
 * after QMP_MAX_INPUT bytes, or nested deeper than QMP_MAX_DEPTH, is an
 * error; the streamer then drops what it holds and skips input up to
 * the next newline before it starts afresh.
 *
 * Output is QEMU's text form (", " and ": " separators, members in
 * insertion order), one value per line ending "\r\n".  Events go to the
 * clients that finished negotiation, in the order they happen.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/time.h>

#include "monitor-internal.h"

#define QMP_MAX_INPUT (10u << 20)
#define QMP_MAX_DEPTH 1024

struct QMPStreamer {
    GString *buf;               /* the value being collected */
    int depth;                  /* open brackets */
    bool in_string, escape;
    bool bare;                  /* a top-level scalar token */
    bool skipping;              /* after an error: up to a newline */
};

/* ------------------------------------------------------------------ */
/* JSON output                                                         */

/*
 * A non-ASCII character as \uXXXX (a surrogate pair above U+FFFF), as
 * QEMU writes them; a byte that is not valid UTF-8 becomes \ufffd.
 * Returns the last byte used.
 */
static const unsigned char *json_append_non_ascii(GString *out,
                                                  const unsigned char *p)
{
    gunichar c = g_utf8_get_char_validated((const char *)p, -1);

    if (c == (gunichar)-1 || c == (gunichar)-2) {
        g_string_append(out, "\\ufffd");
        return p;
    }
    if (c > 0xffff) {
        g_string_append_printf(out, "\\u%04x\\u%04x",
                               0xd800 + ((c - 0x10000) >> 10),
                               0xdc00 + ((c - 0x10000) & 0x3ff));
    } else {
        g_string_append_printf(out, "\\u%04x", c);
    }
    return (const unsigned char *)g_utf8_next_char(p) - 1;
}

static void json_append_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                g_string_append_printf(out, "\\u%04x", *p);
            } else if (*p < 0x80) {
                g_string_append_c(out, (char)*p);
            } else {
                p = json_append_non_ascii(out, p);
            }
            break;
        }
    }
    g_string_append_c(out, '"');
}

static void json_newline(GString *out, bool pretty, int indent)
{
    if (pretty) {
        g_string_append_c(out, '\n');
        for (int i = 0; i < indent; i++) {
            g_string_append(out, "    ");
        }
    }
}

static void json_append_object(GString *out, JsonObject *o, bool pretty,
                               int indent)
{
    JsonObjectIter it;
    const char *name;
    JsonNode *member;
    bool first = true;

    if (json_object_get_size(o) == 0) {
        g_string_append(out, "{}");
        return;
    }
    g_string_append_c(out, '{');
    json_object_iter_init_ordered(&it, o);
    while (json_object_iter_next_ordered(&it, &name, &member)) {
        g_string_append(out, first ? "" : pretty ? "," : ", ");
        first = false;
        json_newline(out, pretty, indent + 1);
        json_append_string(out, name);
        g_string_append(out, ": ");
        qmp_json_append(out, member, pretty, indent + 1);
    }
    json_newline(out, pretty, indent);
    g_string_append_c(out, '}');
}

static void json_append_array(GString *out, JsonArray *a, bool pretty,
                              int indent)
{
    guint n = json_array_get_length(a);

    if (n == 0) {
        g_string_append(out, "[]");
        return;
    }
    g_string_append_c(out, '[');
    for (guint i = 0; i < n; i++) {
        g_string_append(out, i == 0 ? "" : pretty ? "," : ", ");
        json_newline(out, pretty, indent + 1);
        qmp_json_append(out, json_array_get_element(a, i), pretty,
                        indent + 1);
    }
    json_newline(out, pretty, indent);
    g_string_append_c(out, ']');
}

static void json_append_value(GString *out, JsonNode *node)
{
    switch (json_node_get_value_type(node)) {
    case G_TYPE_BOOLEAN:
        g_string_append(out, json_node_get_boolean(node) ? "true"
                                                         : "false");
        break;
    case G_TYPE_DOUBLE: {
        char d[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append(out, g_ascii_dtostr(d, sizeof(d),
                                            json_node_get_double(node)));
        break;
    }
    case G_TYPE_STRING:
        json_append_string(out, json_node_get_string(node));
        break;
    default:
        g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
        break;
    }
}

void qmp_json_append(GString *out, JsonNode *node, bool pretty, int indent)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        json_append_object(out, json_node_get_object(node), pretty, indent);
        break;
    case JSON_NODE_ARRAY:
        json_append_array(out, json_node_get_array(node), pretty, indent);
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    default:
        json_append_value(out, node);
        break;
    }
}

/* Send obj (consumed) as one line. */
static void qmp_send(Monitor *mon, JsonObject *obj)
{
    GString *out = g_string_new(NULL);
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    qmp_json_append(out, node, mon->pretty, 0);
    g_string_append(out, "\r\n");
    monitor_write(mon, out->str, out->len);
    json_node_unref(node);
    json_object_unref(obj);
    g_string_free(out, true);
}

/* ------------------------------------------------------------------ */
/* Replies                                                             */

static void qmp_send_error(Monitor *mon, JsonNode *id, const char *cls,
                           const char *desc)
{
    JsonObject *r = json_object_new();
    JsonObject *e = json_object_new();

    if (id) {
        json_object_set_member(r, "id", json_node_copy(id));
    }
    json_object_set_string_member(e, "class", cls);
    json_object_set_string_member(e, "desc", desc);
    json_object_set_object_member(r, "error", e);
    qmp_send(mon, r);
}

static void qmp_send_return(Monitor *mon, JsonNode *id, JsonNode *ret)
{
    JsonObject *r = json_object_new();

    json_object_set_member(r, "return", ret);
    if (id) {
        json_object_set_member(r, "id", json_node_copy(id));
    }
    qmp_send(mon, r);
}

JsonNode *qmp_ok(void)
{
    return json_node_init_object(json_node_alloc(), json_object_new());
}

static JsonObject *qmp_version_object(void)
{
    JsonObject *v = json_object_new();
    JsonObject *q = json_object_new();

    json_object_set_int_member(q, "micro", MONITOR_QEMU_MICRO);
    json_object_set_int_member(q, "minor", MONITOR_QEMU_MINOR);
    json_object_set_int_member(q, "major", MONITOR_QEMU_MAJOR);
    json_object_set_object_member(v, "qemu", q);
    json_object_set_string_member(v, "package", monitor_package());
    return v;
}

static void qmp_send_greeting(Monitor *mon)
{
    JsonObject *g = json_object_new();
    JsonObject *qmp = json_object_new();
    JsonArray *caps = json_array_new();

    json_array_add_string_element(caps, "oob");
    json_object_set_object_member(qmp, "version", qmp_version_object());
    json_object_set_array_member(qmp, "capabilities", caps);
    json_object_set_object_member(g, "QMP", qmp);
    qmp_send(mon, g);
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

void qmp_event_send(const char *name, JsonObject *data)
{
    GPtrArray *list = monitor_qmp_list();
    struct timeval tv;

    gettimeofday(&tv, NULL);
    for (guint i = 0; i < list->len; i++) {
        Monitor *mon = g_ptr_array_index(list, i);
        JsonObject *ev, *ts;

        if (!mon->connected || !mon->negotiated) {
            continue;
        }
        ev = json_object_new();
        ts = json_object_new();
        json_object_set_int_member(ts, "seconds", tv.tv_sec);
        json_object_set_int_member(ts, "microseconds", tv.tv_usec);
        json_object_set_object_member(ev, "timestamp", ts);
        json_object_set_string_member(ev, "event", name);
        if (data) {
            json_object_set_object_member(ev, "data",
                                          json_object_ref(data));
        }
        qmp_send(mon, ev);
    }
    if (data) {
        json_object_unref(data);
    }
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

static const QMPCmd *qmp_find(const char *name)
{
    GPtrArray *list = monitor_qmp_cmds();

    for (guint i = 0; i < list->len; i++) {
        const QMPCmd *c = g_ptr_array_index(list, i);

        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

/* Whether spec ("a,b?") names arg; *optional set if it ends in '?'. */
static bool qmp_spec_has(const char *spec, const char *arg, bool *optional)
{
    g_auto(GStrv) names = g_strsplit(spec ? spec : "", ",", -1);

    for (char **n = names; *n; n++) {
        size_t l = strlen(*n);
        bool opt = l > 0 && (*n)[l - 1] == '?';

        if (strlen(arg) == l - opt && !strncmp(*n, arg, l - opt)) {
            *optional = opt;
            return true;
        }
    }
    return false;
}

/* Check args against the command's spec; false with the error sent. */
static bool qmp_check_args(const QMPCmd *c, JsonObject *args, char **err)
{
    g_autoptr(GList) members = json_object_get_members(args);
    g_auto(GStrv) names = g_strsplit(c->args_spec ? c->args_spec : "", ",",
                                     -1);
    bool opt;

    for (GList *m = members; m; m = m->next) {
        if (!qmp_spec_has(c->args_spec, m->data, &opt)) {
            *err = g_strdup_printf("Parameter '%s' is unexpected",
                                   (char *)m->data);
            return false;
        }
    }
    for (char **n = names; *n; n++) {
        size_t l = strlen(*n);

        if (l && (*n)[l - 1] != '?' && !json_object_has_member(args, *n)) {
            *err = g_strdup_printf("Parameter '%s' is missing", *n);
            return false;
        }
    }
    return true;
}

static void qmp_run(Monitor *mon, const QMPCmd *c, JsonObject *args,
                    JsonNode *id)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *msg = NULL;
    JsonNode *ret;

    if (!qmp_check_args(c, args, &msg)) {
        qmp_send_error(mon, id, "GenericError", msg);
        return;
    }
    ret = c->fn(args, &err);
    if (!ret) {
        qmp_send_error(mon, id, "GenericError",
                       err ? err->message : "command failed");
        return;
    }
    qmp_send_return(mon, id, ret);
}

/* qmp_capabilities [enable: ["oob"]]. */
static void qmp_negotiate(Monitor *mon, JsonObject *args, JsonNode *id)
{
    GList *members = json_object_get_members(args);

    for (GList *m = members; m; m = m->next) {
        if (strcmp(m->data, "enable")) {
            g_autofree char *e = g_strdup_printf(
                "Parameter '%s' is unexpected", (char *)m->data);

            g_list_free(members);
            qmp_send_error(mon, id, "GenericError", e);
            return;
        }
    }
    g_list_free(members);
    mon->negotiated = true;
    qmp_send_return(mon, id, qmp_ok());
}

/* The request's members; NULL execute with the error sent. */
static const char *qmp_check_request(Monitor *mon, JsonObject *req,
                                     JsonNode *id, JsonObject **args)
{
    g_autoptr(GList) members = json_object_get_members(req);
    JsonNode *exec = json_object_get_member(req, "execute");
    JsonNode *a = json_object_get_member(req, "arguments");

    for (GList *m = members; m; m = m->next) {
        const char *k = m->data;

        if (strcmp(k, "execute") && strcmp(k, "arguments") &&
            strcmp(k, "id") && strcmp(k, "control")) {
            g_autofree char *e = g_strdup_printf(
                "QMP input member '%s' is unexpected", k);

            qmp_send_error(mon, id, "GenericError", e);
            return NULL;
        }
    }
    if (!exec) {
        qmp_send_error(mon, id, "GenericError",
                       "QMP input lacks member 'execute'");
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(exec) ||
        json_node_get_value_type(exec) != G_TYPE_STRING) {
        qmp_send_error(mon, id, "GenericError",
                       "QMP input member 'execute' must be a string");
        return NULL;
    }
    if (a && !JSON_NODE_HOLDS_OBJECT(a)) {
        qmp_send_error(mon, id, "GenericError",
                       "QMP input member 'arguments' must be an object");
        return NULL;
    }
    *args = a ? json_node_get_object(a) : NULL;
    return json_node_get_string(exec);
}

static void qmp_dispatch(Monitor *mon, JsonObject *req)
{
    JsonNode *id = json_object_get_member(req, "id");
    g_autoptr(JsonObject) empty = json_object_new();
    JsonObject *args = NULL;
    const char *name = qmp_check_request(mon, req, id, &args);
    const QMPCmd *c;

    if (!name) {
        return;
    }
    if (!args) {
        args = empty;
    }
    if (!strcmp(name, "qmp_capabilities")) {
        if (mon->negotiated) {
            qmp_send_error(mon, id, "CommandNotFound", "Capabilities "
                           "negotiation is already complete, command "
                           "ignored");
        } else {
            qmp_negotiate(mon, args, id);
        }
        return;
    }
    if (!mon->negotiated) {
        qmp_send_error(mon, id, "CommandNotFound", "Expecting capabilities "
                       "negotiation with 'qmp_capabilities'");
        return;
    }
    c = qmp_find(name);
    if (!c) {
        g_autofree char *e = g_strdup_printf("The command %s has not been "
                                             "found", name);

        qmp_send_error(mon, id, "CommandNotFound", e);
        return;
    }
    qmp_run(mon, c, args, id);
}

/* ------------------------------------------------------------------ */
/* Input                                                               */

/* "<data>:1:13: Parse error: unexpected ..." -> "unexpected ...". */
static const char *qmp_parse_msg(const char *m)
{
    const char *p = strstr(m, "Parse error: ");

    return p ? p + strlen("Parse error: ") : m;
}

/* A complete top-level value in text. */
static void qmp_handle_value(Monitor *mon, const char *text, size_t len)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GError) err = NULL;
    JsonNode *root;

    if (!json_parser_load_from_data(parser, text, (gssize)len, &err)) {
        g_autofree char *e = g_strdup_printf("JSON parse error, %s",
                                             qmp_parse_msg(err->message));

        qmp_send_error(mon, NULL, "GenericError", e);
        return;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        qmp_send_error(mon, NULL, "GenericError",
                       "QMP input must be a JSON object");
        return;
    }
    qmp_dispatch(mon, json_node_get_object(root));
}

/* A top-level token that is not an object or array. */
static void qmp_handle_bare(Monitor *mon, const char *tok)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autofree char *e = NULL;

    if (json_parser_load_from_data(parser, tok, -1, NULL)) {
        qmp_send_error(mon, NULL, "GenericError",
                       "QMP input must be a JSON object");
        return;
    }
    e = g_strdup_printf("JSON parse error, invalid keyword '%.64s'", tok);
    qmp_send_error(mon, NULL, "GenericError", e);
}

static void qmp_stream_reset(QMPStreamer *s, bool skip)
{
    /* Give the memory back: the limit may have been reached. */
    g_string_free(s->buf, true);
    s->buf = g_string_new(NULL);
    s->depth = 0;
    s->in_string = s->escape = s->bare = false;
    s->skipping = skip;
}

static void qmp_stream_fail(Monitor *mon, const char *desc)
{
    qmp_send_error(mon, NULL, "GenericError", desc);
    qmp_stream_reset(mon->stream, true);
}

/* Inside an object or array. */
static void qmp_stream_nested(Monitor *mon, char ch)
{
    QMPStreamer *s = mon->stream;

    g_string_append_c(s->buf, ch);
    if (s->in_string) {
        if (s->escape) {
            s->escape = false;
        } else if (ch == '\\') {
            s->escape = true;
        } else if (ch == '"') {
            s->in_string = false;
        }
    } else if (ch == '"') {
        s->in_string = true;
    } else if (ch == '{' || ch == '[') {
        if (++s->depth > QMP_MAX_DEPTH) {
            qmp_stream_fail(mon, "JSON parse error, nesting too deep");
            return;
        }
    } else if (ch == '}' || ch == ']') {
        if (--s->depth == 0) {
            g_autoptr(GString) v = s->buf;

            s->buf = g_string_new(NULL);
            qmp_handle_value(mon, v->str, v->len);
            return;
        }
    }
    if (s->buf->len > QMP_MAX_INPUT) {
        qmp_stream_fail(mon, "JSON parse error, input too long");
    }
}

static bool qmp_is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* At the top level: between values, or in a bare token. */
static void qmp_stream_top(Monitor *mon, char ch)
{
    QMPStreamer *s = mon->stream;
    bool delim = qmp_is_space(ch) || strchr("{}[]", ch);

    if (s->bare && delim) {
        g_autofree char *tok = g_strndup(s->buf->str, s->buf->len);

        qmp_stream_reset(s, false);
        qmp_handle_bare(mon, tok);
    }
    if (qmp_is_space(ch)) {
        return;
    }
    if (ch == '{' || ch == '[') {
        g_string_append_c(s->buf, ch);
        s->depth = 1;
    } else if (ch == '}' || ch == ']') {
        qmp_send_error(mon, NULL, "GenericError",
                       "JSON parse error, expecting value");
    } else {
        s->bare = true;
        g_string_append_c(s->buf, ch);
        if (s->buf->len > QMP_MAX_INPUT) {
            qmp_stream_fail(mon, "JSON parse error, input too long");
        }
    }
}

void qmp_feed(Monitor *mon, const uint8_t *buf, size_t len)
{
    QMPStreamer *s = mon->stream;

    for (size_t i = 0; i < len; i++) {
        char ch = (char)buf[i];

        if (s->skipping) {
            s->skipping = ch != '\n';
        } else if (s->depth > 0) {
            qmp_stream_nested(mon, ch);
        } else {
            qmp_stream_top(mon, ch);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Monitors                                                            */

static void qmp_receive(void *opaque, const uint8_t *buf, int len)
{
    qmp_feed(opaque, buf, len);
}

static int qmp_can_receive(void *opaque)
{
    return 4096;
}

/* A client came (greeting, negotiation again) or left. */
static void qmp_event(void *opaque, bool opened)
{
    Monitor *mon = opaque;

    qmp_stream_reset(mon->stream, false);
    mon->negotiated = false;
    mon->connected = opened;
    if (opened) {
        qmp_send_greeting(mon);
    }
}

static Monitor *qmp_alloc(void)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->qmp = true;
    mon->stream = g_new0(QMPStreamer, 1);
    mon->stream->buf = g_string_new(NULL);
    return mon;
}

Monitor *qmp_new(Chardev *chr, bool pretty)
{
    Monitor *mon = qmp_alloc();

    mon->chr = chr;
    mon->pretty = pretty;
    g_ptr_array_add(monitor_qmp_list(), mon);
    chardev_set_handlers(chr, qmp_can_receive, qmp_receive, mon);
    chardev_set_event_handler(chr, qmp_event, mon);
    return mon;
}

Monitor *qmp_new_capture(void)
{
    Monitor *mon = qmp_alloc();

    mon->capture = g_string_new(NULL);
    mon->connected = true;
    g_ptr_array_add(monitor_qmp_list(), mon);
    qmp_send_greeting(mon);
    return mon;
}

void qmp_monitor_free(Monitor *mon)
{
    g_ptr_array_remove(monitor_qmp_list(), mon);
    g_string_free(mon->stream->buf, true);
    g_free(mon->stream);
    if (mon->capture) {
        g_string_free(mon->capture, true);
    }
    g_free(mon);
}
