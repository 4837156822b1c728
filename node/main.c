/*
 * main: the ringdb daemon. `ringdb [-f] [--config FILE]`: reads the config (Cassandra key
 * names, default conf/ringdb.yaml), starts the node (store, then the services on the event
 * loop) in the foreground and stops it cleanly on SIGTERM or SIGINT.
 *
 * Exit codes: 0 after a clean stop; 1 when the config is wrong or the node cannot start (the
 * reason, with file and line for config errors, is the last line on stderr); 2 for a bad
 * command line. `-f` ("foreground") is accepted for Cassandra habit: ringdb always runs in the
 * foreground and deploy/launch.sh puts it in the background.
 */
#include <stdio.h>
#include <string.h>

#include "node/base/log.h"
#include "node/config.h"
#include "node/node.h"
#include "node/version.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ringdb [-f] [--config FILE]\n"
            "  -f              run in the foreground (always the case; accepted for habit)\n"
            "  --config FILE   settings in cassandra.yaml form (default %s)\n"
            "  --help          this text\n"
            "  --version       print the version\n"
            "Stops cleanly (memtables flushed) on SIGTERM or SIGINT.\n",
            CONFIG_DEFAULT_PATH);
}

/* Returns -1 to exit 0 (help, version), 0 to run, 2 for a usage error. */
static int parse_args(int argc, char **argv, const char **config_path)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-f") == 0) continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return -1;
        }
        if (strcmp(a, "--version") == 0 || strcmp(a, "-v") == 0) {
            printf("%s\n", version_string());
            return -1;
        }
        if (strcmp(a, "--config") == 0 && i + 1 < argc) {
            *config_path = argv[++i];
            continue;
        }
        if (strncmp(a, "--config=", 9) == 0 && a[9] != '\0') {
            *config_path = a + 9;
            continue;
        }
        fprintf(stderr, "ringdb: unexpected argument '%s'\n", a);
        usage(stderr);
        return 2;
    }
    return 0;
}

static int load_config(struct config *cfg, const char *path)
{
    struct errmsg em;
    errmsg_clear(&em);
    config_init(cfg);
    int rc = config_load_file(cfg, path, &em);
    if (rc == 0) rc = config_finish(cfg, &em);
    if (rc != 0) {
        log_error("config", "%s", em.text);
        log_error("node", "not starting: fix the configuration");
        return rc;
    }
    log_set_level(cfg->ringdb_log_level);
    return 0;
}

int main(int argc, char **argv)
{
    const char *config_path = CONFIG_DEFAULT_PATH;
    int r = parse_args(argc, argv, &config_path);
    if (r != 0) return r < 0 ? 0 : r;

    struct node node;
    struct config cfg;
    struct errmsg em;
    errmsg_clear(&em);
    /* node_init first: it stamps the start-up clock before the config is read. */
    if (node_init(&node, &cfg, config_path, &em) != 0) {
        log_error("node", "%s", em.text);
        return 1;
    }
    if (load_config(&cfg, config_path) != 0) {
        node_deinit(&node);
        config_deinit(&cfg);
        return 1;
    }
    int code = 1;
    if (node_start(&node, &em) == 0)
        code = node_run(&node);
    else
        log_error("node", "not started: %s", em.text);
    node_deinit(&node);
    config_deinit(&cfg);
    return code;
}
