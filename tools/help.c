/* Per-command help, and "did you mean" for commands and options. */
#include "help.h"

#include "hsec.h"

#include <stdio.h>
#include <string.h>

typedef struct command_help {
    const char *name;
    const char *synopsis; /* after "hsec NAME " */
    const char *text;     /* what it does, its options */
    const char *example;
    const char *options[16]; /* every option it takes (NULL-terminated) */
} command_help;

#define MEASURES_OPTIONS "--package", "--measures"
#define FORMAT_OPTIONS "--format", "-o"

static const command_help commands[] = {
    {"run", "SCENARIO [--package ID|none | --measures A,B] [--format F] [-o FILE]",
     "Run a scenario and write its results: every node's degradation and its\n"
     "orders of effect, each group's insecurity and vital-core index at its peak\n"
     "and at the end, the burden by order, time band, threat, actor, region,\n"
     "cross-cutting topic and vulnerability flag.\n"
     "  --package ID       only that package's measures in force (none: no measure)\n"
     "  --measures A,B     only those measures in force (an empty list: none)\n"
     "  --format F         json (default), text (a summary to read), csv, cbor,\n"
     "                     container, container-zlib (binary formats need -o)\n"
     "  -o FILE            write to FILE, replaced only when the run succeeds\n",
     "hsec run --format text --package none examples/energy-cascade.json",
     {MEASURES_OPTIONS, FORMAT_OPTIONS, NULL}},
    {"compare", "SCENARIO [--format F] [-o FILE]",
     "Run the no-measure baseline and each package of measures: the burden each\n"
     "averts by time band, order of effect, group, region, cross-cutting topic and\n"
     "staff branch (a run per branch), per person by vulnerability flag, and per\n"
     "unit cost; each package's measures by branch, as a task list.\n"
     "  --format F         json (default), text or csv\n"
     "  -o FILE            write to FILE, replaced only on success\n",
     "hsec compare --format text examples/collective-defence.json",
     {FORMAT_OPTIONS, NULL}},
    {"rank", "SCENARIO [--top N] [--kind K] [--region R] [--package ID|none | --measures A,B]",
     "Where to protect: the equilibrium burden one unit of degradation at each\n"
     "node causes (one adjoint solve), with dependency and influence indices.\n"
     "  --top N            the N most critical nodes (default 20; 0: all)\n"
     "  --kind K           services, groups, a service kind (energy, water, ...) or\n"
     "                     a dimension (health: that dimension of every group)\n"
     "  --region R         nodes in region R or a region below it\n"
     "  --package, --measures  the measures in force, as for run\n"
     "  --format F         json (default), text or csv;  -o FILE as for run\n",
     "hsec rank --format text --top 10 --kind services examples/sahel-drought-displacement.json",
     {"--top", "--kind", "--region", MEASURES_OPTIONS, FORMAT_OPTIONS, NULL}},
    {"optimize", "SCENARIO --budget X [--exact] [--format F] [-o FILE]",
     "Choose measures within a budget to avert the most burden: greedy on averted\n"
     "burden per unit cost, checked by an exact search when there are 12 measures\n"
     "or fewer.\n"
     "  --budget X         the most the chosen measures may cost (required)\n"
     "  --exact            report the exact choice (at most 24 measures)\n"
     "  --format F         json (default) or text;  -o FILE as for run\n",
     "hsec optimize --format text --budget 5e6 examples/sahel-drought-displacement.json",
     {"--budget", "--exact", FORMAT_OPTIONS, NULL}},
    {"ensemble", "SCENARIO [--members N] [--threads T] [--package ID|none | --measures A,B]",
     "Run many members drawn from the document's uncertainty ranges: quantiles\n"
     "(default p5, p50, p95) of the burden, the groups' indices and the recorded\n"
     "nodes, the same whatever the number of threads.\n"
     "  --members N        how many (default: the document's, else 100)\n"
     "  --threads T        threads (default one per processor)\n"
     "  --package, --measures  the measures in force, as for run\n"
     "  --format F         json (default), text or csv;  -o FILE as for run\n",
     "hsec ensemble --format text --members 200 examples/energy-cascade.json",
     {"--members", "--threads", MEASURES_OPTIONS, FORMAT_OPTIONS, NULL}},
    {"report", "SCENARIO [--package ID|none | --measures A,B] [--ensemble N] [-o report.html]",
     "One self-contained HTML page to read and print: the summary, each group's\n"
     "dimensions over time, the burden by order of effect, the cascade's strongest\n"
     "paths and, for a scenario with packages, the comparison.\n"
     "  --package, --measures  the measures in force, as for run\n"
     "  --ensemble N       add p5-p95 bands from an ensemble of N members\n"
     "  -o FILE            write to FILE, replaced only on success (default:\n"
     "                     standard output)\n",
     "hsec report examples/energy-cascade.json -o report.html",
     {MEASURES_OPTIONS, "--ensemble", "-o", NULL}},
    {"show", "RESULTS [--format text|csv|json|html] [-o FILE]",
     "Show a saved results document (JSON, CBOR or container) again, as run\n"
     "would have printed it.\n"
     "  --format F         text (default), csv, json or html\n"
     "  -o FILE            write to FILE, replaced only on success\n",
     "hsec run examples/energy-cascade.json -o res.hsec && hsec show res.hsec",
     {FORMAT_OPTIONS, NULL}},
    {"convert", "IN OUT [--to json|cbor|container|container-zlib]",
     "Re-encode a document (a scenario or results) without losing a bit: by --to\n"
     "or OUT's extension (.json, .cbor, .hsec: the compressed container).\n",
     "hsec convert examples/energy-cascade.json energy.hsec",
     {"--to", NULL}},
    {"validate", "SCENARIO",
     "Check a scenario document without running it: every fault named with its\n"
     "place and value, and the scenario's warnings.\n",
     "hsec validate examples/epidemic-conflict.json",
     {NULL}},
    {"merge", "IN... -o OUT [--to json|cbor|container|container-zlib]",
     "One scenario from several documents (an economy, a population, threats):\n"
     "lists concatenated, an id or link given twice refused unless identical,\n"
     "each setting (name, run, uncertainty, packages) from one file only.\n",
     "hsec merge economy.json people.json -o scenario.json",
     {"-o", "--to", NULL}},
    {"import-csv", "[--table T] FILE... [--dir DIR] -o OUT [--to FORMAT]",
     "A scenario from CSV tables (regions.csv, groups.csv, services.csv,\n"
     "links.csv, threats.csv, threat_targets.csv, ...), the table by the file's\n"
     "name or --table T for the next file; --dir DIR reads every DIR/*.csv.\n",
     "hsec import-csv --dir tables -o scenario.json",
     {"--table", "--dir", "-o", "--to", NULL}},
    {"export-csv", "SCENARIO -o DIR",
     "One CSV table per kind, which import-csv reads back to the same document.\n",
     "hsec export-csv examples/sahel-drought-displacement.json -o tables",
     {"-o", NULL}},
    {"import-io", "--flows Z (--final-demand Y | --output X) [--model demand|supply] ...",
     "An economy from an input-output table (EXIOBASE 3 / pymrio tab-separated\n"
     "text, or CSV): a service per sector, a link per technical coefficient, a\n"
     "threat per shock; a part to merge with the population.\n"
     "  --flows Z          inter-industry flows\n"
     "  --final-demand Y   final demand (or --output X: total output)\n"
     "  --model M          demand (default) or supply\n"
     "  --min-weight W     drop coefficients below W\n"
     "  --region R         the region of a single-region table\n"
     "  --shock SECTOR=F   a fall of F of the sector's final demand (demand) or\n"
     "                     primary inputs (supply); REGION:SECTOR=F when multi-regional\n"
     "  --to F, -o FILE    the encoding and the file\n",
     "hsec import-io --flows Z.txt --final-demand Y.txt --shock south:Manufacturing=0.4 "
     "-o economy.json",
     {"--flows", "--final-demand", "--output", "--model", "--min-weight", "--region",
      "--shock", "--to", "-o", NULL}},
};

static const command_help *find(const char *cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(commands[i].name, cmd))
            return &commands[i];
    return NULL;
}

bool help_asked(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return true;
    return false;
}

int help_command(const char *cmd)
{
    const command_help *c = find(cmd);
    if (!c)
        return -1;
    printf("usage: hsec %s %s\n\n%s\nexample:\n  %s\n\n"
           "Every command also takes --max-memory BYTES; hsec --help lists them all.\n",
           c->name, c->synopsis, c->text, c->example);
    return 0;
}

const char *help_nearest_command(const char *cmd)
{
    const char *names[sizeof commands / sizeof *commands + 2];
    size_t n = 0;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        names[n++] = commands[i].name;
    names[n++] = "--version";
    names[n++] = "--help";
    return hsec_nearest(cmd, names, n);
}

const char *help_nearest_option(const char *cmd, const char *opt)
{
    const command_help *c = find(cmd);
    const char *names[20];
    size_t n = 0;
    for (size_t i = 0; c && c->options[i] && n < 18; i++)
        names[n++] = c->options[i];
    names[n++] = "--max-memory";
    names[n++] = "--help";
    return hsec_nearest(opt, names, n);
}
