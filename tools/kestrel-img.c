/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img: Kestrel's disk image tool, command-compatible with
 * qemu-img for what people script against (commands, options, output,
 * exit status).
 *
 *     kestrel-img create -f qcow2 disk.qcow2 1G
 *     kestrel-img convert -p -O qcow2 disk.raw disk.qcow2
 *     kestrel-img info --output=json disk.qcow2
 *
 * This file holds main: the global options (-h, -V, -T) and the
 * dispatch to one img_<command>() per command file.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "img.h"

#ifndef KESTREL_VERSION
#define KESTREL_VERSION "unknown"
#endif

typedef struct ImgCommand {
    const char *name;
    int (*run)(int argc, char **argv);
} ImgCommand;

static const ImgCommand commands[] = {
    { "check", img_check },
    { "commit", img_commit },
    { "compare", img_compare },
    { "convert", img_convert },
    { "create", img_create },
    { "info", img_info },
    { "map", img_map },
    { "snapshot", img_snapshot },
    { "rebase", img_rebase },
    { "resize", img_resize },
};

static const char help_text[] =
"usage: " IMG_PROG " [standard options] command [command options]\n"
"Kestrel disk image utility (qemu-img compatible)\n"
"\n"
"    '-h', '--help'       display this help and exit\n"
"    '-V', '--version'    output version information and exit\n"
"    '-T', '--trace'      accepted for compatibility, ignored\n"
"\n"
"Command syntax:\n"
"  check [-q] [-f fmt] [--output=ofmt] [-r [leaks | all]] [-T src_cache] "
"[-U] filename\n"
"  commit [-q] [-f fmt] [-t cache] [-b base] [-d] [-p] filename\n"
"  compare [-f fmt] [-F fmt] [-T src_cache] [-p] [-q] [-s] [-U] "
"filename1 filename2\n"
"  convert [-U] [-c] [-p] [-q] [-n] [-f fmt] [-t cache] [-T src_cache] "
"[-O output_fmt] [-B backing_file [-F backing_fmt]] [-o options] "
"[-S sparse_size] [--target-is-zero] filename [filename2 [...]] "
"output_filename\n"
"  create [-q] [-f fmt] [-b backing_file [-F backing_fmt]] [-u] "
"[-o options] filename [size]\n"
"  info [-f fmt] [--output=ofmt] [--backing-chain] [-U] filename\n"
"  map [-f fmt] [--start-offset=offset] [--max-length=len] "
"[--output=ofmt] [-U] filename\n"
"  snapshot [-U] [-q] [-l | -a snapshot | -c snapshot | -d snapshot] "
"filename\n"
"  rebase [-U] [-q] [-f fmt] [-t cache] [-T src_cache] [-p] [-u] "
"-b backing_file [-F backing_fmt] filename\n"
"  resize [-f fmt] [--preallocation=off] [-q] [--shrink] filename "
"[+ | -]size\n"
"\n"
"Command parameters:\n"
"  'filename' is a disk image filename\n"
"  'fmt' is the disk image format (raw or qcow2); it is guessed when "
"not given\n"
"  'cache' and 'src_cache' are cache modes (none, writeback, "
"writethrough,\n"
"    directsync, unsafe); accepted for compatibility\n"
"  'size' is the disk image size in bytes. Optional suffixes\n"
"    'k' or 'K' (kilobyte, 1024), 'M' (megabyte, 1024k), 'G' (gigabyte, "
"1024M),\n"
"    'T' (terabyte, 1024G), 'P' (petabyte, 1024T) and 'E' (exabyte, "
"1024P) are\n"
"    supported. 'b' is ignored.\n"
"  'output_filename' is the destination disk image filename\n"
"  'output_fmt' is the destination format\n"
"  'options' is a comma separated list of format specific options in a\n"
"    name=value format. Use -o help for an overview of the options "
"supported by\n"
"    the used format\n"
"  '-c' indicates that target image must be compressed (qcow2 only)\n"
"  '-u' allows unsafe backing chains. For rebasing, it is assumed that "
"old and\n"
"       new backing file match exactly. For image creation, allow "
"creating\n"
"       without attempting to open the backing file.\n"
"  '-h' with or without a command shows this help\n"
"  '-p' show progress of command (only certain commands)\n"
"  '-q' use Quiet mode - do not print any output (except errors)\n"
"  '-S' indicates the consecutive number of bytes (defaults to 4k) that "
"must\n"
"       contain only zeros to create a sparse image during conversion. "
"If the\n"
"       number of bytes is 0, the source will not be scanned for "
"unallocated or\n"
"       zero sectors, and the destination image will always be fully "
"allocated\n"
"  '--output' takes the format in which the output must be done (human "
"or json)\n"
"  '-n' skips the target volume creation (useful if the volume is "
"created\n"
"       prior to running " IMG_PROG ")\n"
"\n"
"Parameters to check subcommand:\n"
"  '-r' tries to repair any inconsistencies that are found during the "
"check.\n"
"       '-r leaks' repairs only cluster leaks, whereas '-r all' fixes all\n"
"       kinds of errors, with a higher risk of choosing the wrong fix or\n"
"       hiding corruption that has already occurred.\n"
"\n"
"Parameters to commit subcommand:\n"
"  '-b' the base image to commit into (default: the backing file)\n"
"  '-d' keep the top image's data (do not empty it)\n"
"\n"
"Parameters to compare subcommand:\n"
"  '-f' first image format\n"
"  '-F' second image format\n"
"  '-s' run in Strict mode - fail on different image size or sector "
"allocation\n"
"\n"
"Parameters to snapshot subcommand:\n"
"  'snapshot' is the name of the snapshot to create, apply or delete\n"
"  '-a' applies a snapshot (revert disk to saved state)\n"
"  '-c' creates a snapshot\n"
"  '-d' deletes a snapshot\n"
"  '-l' lists all snapshots in the given image\n"
"\n"
"Supported formats: qcow2 raw\n";

void img_help(void)
{
    printf("%s version %s\n", IMG_PROG, KESTREL_VERSION);
    fputs(help_text, stdout);
}

static void print_version(void)
{
    printf("%s version %s\n", IMG_PROG, KESTREL_VERSION);
}

int main(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "trace", required_argument, NULL, 'T' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    if (argc < 2) {
        return img_usage_error("Not enough arguments");
    }
    while ((c = getopt_long(argc, argv, "+:hVT:", long_opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
            return 0;
        case 'V':
            print_version();
            return 0;
        case 'T':
            break;
        default:
            return img_bad_option(c, argv);
        }
    }
    if (optind >= argc) {
        return img_usage_error("Not enough arguments");
    }
    argc -= optind;
    argv += optind;
    optind = 0;                 /* glibc: restart getopt for the command */
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!strcmp(argv[0], commands[i].name)) {
            return commands[i].run(argc, argv);
        }
    }
    return img_usage_error("Command not found: %s", argv[0]);
}
