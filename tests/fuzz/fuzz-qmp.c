/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-qmp - hostile byte streams against the QMP streamer, parser and
 * dispatcher (softmmu/qmp.c, qmp-cmds.c, and HMP through
 * human-monitor-command).
 *
 * Each case is fed, in random-sized chunks, to a fresh QMP monitor
 * whose output is captured (no machine: no CPUs, an empty memory map).
 * The oracle:
 *
 *   - no crash, no hang (an alarm after HANG_SECONDS); a failing input
 *     is saved as fuzz-qmp-crash-SEED-CASE.json in the current directory
 *     (or $FUZZ_ARTIFACT_DIR) and the run exits 1;
 *   - every line the monitor writes is one JSON object, and the first is
 *     the greeting.
 *
 * Seeds are built in: the negotiation, every command with good and bad
 * arguments, malformed and deeply nested JSON, strings with escapes.
 * Files in the corpus directory given on the command line are added.
 * Mutations: bit flips, byte insertions and deletions, splices of two
 * seeds, and repeated brackets.  One seed drives everything, so a run
 * is repeatable; the default run takes a few seconds.
 *
 *     fuzz-qmp [-n CASES] [-s SEED] [CORPUS_DIR]
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../softmmu/monitor-internal.h"

#define HANG_SECONDS 10
#define DEFAULT_CASES 20000

static const char *const seeds[] = {
    "{\"execute\": \"qmp_capabilities\"}\n",
    "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": "
    "[\"oob\"]}, \"id\": 1}\n{\"execute\": \"query-status\"}\n",
    "{\"execute\":\"qmp_capabilities\"}{\"execute\":\"query-commands\"}"
    "{\"execute\":\"query-version\",\"id\":[1,{\"a\":null}]}",
    "{\"execute\":\"qmp_capabilities\"}{\"execute\":\"human-monitor-"
    "command\",\"arguments\":{\"command-line\":\"info mtree\"}}",
    "{\"execute\":\"qmp_capabilities\"}{\"execute\":\"human-monitor-"
    "command\",\"arguments\":{\"command-line\":\"xp/4wx 0x40000000\","
    "\"cpu-index\":0}}",
    "{\"execute\":\"qmp_capabilities\"}{\"execute\":\"human-monitor-"
    "command\",\"arguments\":{\"command-line\":\"x/3i 0\"}}",
    "{\"execute\":\"qmp_capabilities\"}{\"execute\":\"stop\"}"
    "{\"execute\":\"cont\"}{\"execute\":\"query-cpus-fast\"}"
    "{\"execute\":\"query-block\"}{\"execute\":\"query-kvm\"}"
    "{\"execute\":\"query-name\"}",
    "{\"execute\": }\n[1, 2]\nfoo\n123\n\"str\\u0041\\n\"\n}]\n",
    "{\"execute\":\"qmp_capabilities\"}{\"execute\":\"query-status\","
    "\"arguments\":{\"x\":[[[[{}]]]]}}{\"execute\":5}{\"arguments\":1}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n{\"a\":\"\\\"}\\\\\"}\n",
    "{\"execute\":\"qmp_capabilities\"}{\"execute\":\"human-monitor-"
    "command\",\"arguments\":{\"command-line\":\"help\"}}",
};

static GPtrArray *corpus;       /* GBytes * */
static GRand *rng;
static guint32 run_seed;
static unsigned case_no;
static const uint8_t *cur_data;
static size_t cur_len;

/* ------------------------------------------------------------------ */
/* Failures                                                            */

static void save_case(void)
{
    const char *dir = getenv("FUZZ_ARTIFACT_DIR");
    g_autofree char *name = g_strdup_printf("%s/fuzz-qmp-crash-%u-%u.json",
                                            dir ? dir : ".", run_seed,
                                            case_no);
    FILE *f = fopen(name, "wb");

    if (f) {
        fwrite(cur_data, 1, cur_len, f);
        fclose(f);
        fprintf(stderr, "fuzz-qmp: input saved as %s\n", name);
    }
}

static void on_fatal(int sig)
{
    fprintf(stderr, "fuzz-qmp: case %u: signal %d\n", case_no, sig);
    save_case();
    _exit(1);
}

static void catch_fatal_signals(void)
{
    signal(SIGSEGV, on_fatal);
    signal(SIGABRT, on_fatal);
    signal(SIGBUS, on_fatal);
    signal(SIGFPE, on_fatal);
    signal(SIGALRM, on_fatal);
}

/* ------------------------------------------------------------------ */
/* One case                                                            */

/* Every output line must be one JSON object. */
static bool check_output(const GString *out)
{
    g_auto(GStrv) lines = g_strsplit(out->str, "\r\n", -1);

    for (char **l = lines; *l; l++) {
        g_autoptr(JsonParser) p = json_parser_new();
        JsonNode *root;

        if (!**l) {
            continue;
        }
        if (!json_parser_load_from_data(p, *l, -1, NULL) ||
            !(root = json_parser_get_root(p)) ||
            !JSON_NODE_HOLDS_OBJECT(root)) {
            fprintf(stderr, "fuzz-qmp: case %u: bad output line: %.200s\n",
                    case_no, *l);
            return false;
        }
    }
    return g_str_has_prefix(out->str, "{\"QMP\": ");
}

static void run_case(const uint8_t *data, size_t len)
{
    Monitor *mon = qmp_new_capture();
    size_t off = 0;

    cur_data = data;
    cur_len = len;
    alarm(HANG_SECONDS);
    while (off < len) {
        size_t n = MIN(len - off, (size_t)g_rand_int_range(rng, 1, 64));

        qmp_feed(mon, data + off, n);
        off += n;
    }
    alarm(0);
    if (!check_output(mon->capture)) {
        save_case();
        exit(1);
    }
    qmp_monitor_free(mon);
    /* Commands may have asked for these: forget them. */
    main_loop_clear_requests();
    vm_start();
}

/* ------------------------------------------------------------------ */
/* Mutations                                                           */

static GByteArray *mutate(GBytes *base)
{
    gsize n;
    const uint8_t *d = g_bytes_get_data(base, &n);
    GByteArray *b = g_byte_array_new();
    int rounds = g_rand_int_range(rng, 1, 8);

    g_byte_array_append(b, d, n);
    for (int r = 0; r < rounds; r++) {
        guint pos = b->len ? g_rand_int_range(rng, 0, b->len) : 0;
        uint8_t c = (uint8_t)g_rand_int_range(rng, 0, 256);
        static const char special[] = "{}[]\",:\\ \n0-e.";

        switch (g_rand_int_range(rng, 0, 6)) {
        case 0:
            if (b->len) {
                b->data[pos] ^= 1u << g_rand_int_range(rng, 0, 8);
            }
            break;
        case 1:
            c = (uint8_t)special[g_rand_int_range(rng, 0,
                                                  sizeof(special) - 1)];
            g_byte_array_set_size(b, b->len + 1);
            memmove(b->data + pos + 1, b->data + pos, b->len - pos - 1);
            b->data[pos] = c;
            break;
        case 2:
            if (b->len) {
                g_byte_array_remove_index(b, pos);
            }
            break;
        case 3: {
            GBytes *o = g_ptr_array_index(corpus, g_rand_int_range(
                rng, 0, corpus->len));
            gsize on;
            const uint8_t *od = g_bytes_get_data(o, &on);

            g_byte_array_set_size(b, pos);
            g_byte_array_append(b, od + on / 2, on - on / 2);
            break;
        }
        case 4:
            for (int i = g_rand_int_range(rng, 1, 1500); i > 0; i--) {
                g_byte_array_append(b, (const uint8_t *)"[", 1);
            }
            break;
        default:
            g_byte_array_append(b, &c, 1);
            break;
        }
    }
    return b;
}

/* ------------------------------------------------------------------ */
/* Driver                                                              */

static void load_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        g_autofree char *f = g_build_filename(path, e->d_name, NULL);
        gchar *data;
        gsize len;

        if (e->d_name[0] != '.' &&
            g_file_get_contents(f, &data, &len, NULL)) {
            g_ptr_array_add(corpus, g_bytes_new_take(data, len));
        }
    }
    if (d) {
        closedir(d);
    }
}

int main(int argc, char **argv)
{
    unsigned cases = DEFAULT_CASES;
    int opt;

    run_seed = (guint32)time(NULL);
    while ((opt = getopt(argc, argv, "n:s:")) != -1) {
        if (opt == 'n') {
            cases = (unsigned)strtoul(optarg, NULL, 0);
        } else if (opt == 's') {
            run_seed = (guint32)strtoul(optarg, NULL, 0);
        } else {
            fprintf(stderr, "usage: fuzz-qmp [-n CASES] [-s SEED] [DIR]\n");
            return 2;
        }
    }
    rng = g_rand_new_with_seed(run_seed);
    corpus = g_ptr_array_new();
    for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++) {
        g_ptr_array_add(corpus, g_bytes_new_static(seeds[i],
                                                   strlen(seeds[i])));
    }
    if (optind < argc) {
        load_dir(argv[optind]);
    }
    catch_fatal_signals();
    printf("fuzz-qmp: seed %u, %u corpus entries, %u cases\n", run_seed,
           corpus->len, cases);
    for (case_no = 0; case_no < corpus->len; case_no++) {
        gsize n;
        const uint8_t *d = g_bytes_get_data(
            g_ptr_array_index(corpus, case_no), &n);

        run_case(d, n);
    }
    for (; case_no < corpus->len + cases; case_no++) {
        GByteArray *b = mutate(g_ptr_array_index(
            corpus, g_rand_int_range(rng, 0, corpus->len)));

        run_case(b->data, b->len);
        g_byte_array_unref(b);
    }
    printf("fuzz-qmp: ok\n");
    return 0;
}
