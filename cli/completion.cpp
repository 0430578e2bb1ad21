// SPDX-License-Identifier: MIT
// The scripts are generated from the CLI11 tree, so they cannot drift from the options. Each
// one walks the words typed so far the way the parser will (command path, which options take
// a value, positional count, `--`), then completes by kind: subcommands, options, option
// values and positionals. Values that live in the project or the store (runs, packages,
// templates) come from the hidden `mlops __complete KIND PREFIX`, which reads a few files and
// never starts libgit2.
#include "completion.hpp"

#include "help.hpp"

#include <mlops/error.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace mlops::cli {
namespace {

// How a value (of an option or a positional) completes.
enum class Kind { none, text, files, dirs, templates, runs, packages, remotes, words, commands, programs };
struct Value {
  Kind kind = Kind::none;
  std::string words;  // Kind::words: the choices, space-separated
};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::none: return "";
    case Kind::text: return "text";
    case Kind::files: return "files";
    case Kind::dirs: return "dirs";
    case Kind::templates: return "templates";
    case Kind::runs: return "runs";
    case Kind::packages: return "packages";
    case Kind::remotes: return "remotes";
    case Kind::words: return "words";
    case Kind::commands: return "commands";
    case Kind::programs: return "programs";
  }
  return "";
}

// The value's kind from its name in the usage: a positional's name (RUN, DIR) or an option's
// type name (FILE, TEMPLATE); choices from the IsMember check CLI11 appends ("TEXT:{a,b}").
Value value_of(const std::string& path, const CLI::Option& o) {
  if (!o.get_positional() && o.get_expected_max() == 0) return {};  // a flag
  const std::string t = o.get_type_name();
  if (const size_t b = t.find('{'), e = t.rfind('}'); b != std::string::npos && e != std::string::npos && e > b) {
    std::string w = t.substr(b + 1, e - b - 1);
    std::replace(w.begin(), w.end(), ',', ' ');
    return {Kind::words, w};
  }
  static const std::map<std::string, Kind> by_type = {
      {"DIR", Kind::dirs},  {"FILE", Kind::files}, {"PATH", Kind::files},
      {"KEY", Kind::files}, {"RUN", Kind::runs},   {"TEMPLATE", Kind::templates},
  };
  static const std::map<std::string, Kind> by_positional = {
      {"DIR", Kind::dirs},  {"FILE", Kind::files},   {"PATH", Kind::files},      {"TEMPLATE", Kind::templates}, {"RUN", Kind::runs},
      {"RUNS", Kind::runs}, {"REF", Kind::packages}, {"SOURCE", Kind::packages}, {"COMMAND", Kind::programs},   {"REMOTE", Kind::remotes},
  };
  if (o.get_positional()) {
    if (path == "/help" && o.get_name() == "COMMAND") return {Kind::commands, ""};
    const auto it = by_positional.find(o.get_name());
    return {it == by_positional.end() ? Kind::text : it->second, ""};
  }
  const auto it = by_type.find(t.substr(0, t.find(':')));
  return {it == by_type.end() ? Kind::text : it->second, ""};
}

struct Opt {
  std::vector<std::string> names;  // "--tag", "-t"
  std::string description;
  bool hidden = false;  // an old spelling: its value completes, the option is not offered
  Value value;
};

struct Sub {
  std::string name, description;
  std::vector<std::string> aliases;
};

struct Positional {
  Value value;
  bool repeats = false;
};

struct Node {
  std::string path;  // "", "/exp", "/exp/list"
  std::vector<Opt> options;
  std::vector<Sub> subs;
  std::vector<Positional> positionals;
};

bool internal(const CLI::App* a) { return a->get_name().empty() || a->get_name()[0] == '_' || a->get_group().empty(); }

void collect(const CLI::App& app, const std::string& path, std::vector<Node>& out) {
  Node n;
  n.path = path;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_positional()) {
      n.positionals.push_back({value_of(path, *o), o->get_items_expected_max() > 1});
      continue;
    }
    Opt opt;
    for (const auto& l : o->get_lnames()) opt.names.push_back("--" + l);
    for (const auto& s : o->get_snames()) opt.names.push_back("-" + s);
    opt.description = o->get_description();
    opt.hidden = o->get_group().empty();
    opt.value = value_of(path, *o);
    n.options.push_back(std::move(opt));
  }
  const auto subs = app.get_subcommands([](const CLI::App*) { return true; });
  for (const CLI::App* sub : subs) {
    if (!internal(sub)) n.subs.push_back({sub->get_name(), sub->get_description(), sub->get_aliases()});
  }
  out.push_back(n);
  for (const CLI::App* sub : subs) {
    if (!internal(sub)) collect(*sub, path + "/" + sub->get_name(), out);
  }
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// The root's options that work after any command (and -h, which every command has).
std::vector<const Opt*> global_options(const Node& root) {
  std::vector<const Opt*> out;
  for (const auto& o : root.options) {
    const bool help_or_version = std::find(o.names.begin(), o.names.end(), "--help-all") != o.names.end() ||
                                 std::find(o.names.begin(), o.names.end(), "--version") != o.names.end() ||
                                 std::find(o.names.begin(), o.names.end(), "--help") != o.names.end();
    if (!help_or_version) out.push_back(&o);
  }
  return out;
}

// Options offered at `n` (visible ones: its own, then the global ones).
std::vector<const Opt*> offered(const Node& n, const Node& root) {
  std::vector<const Opt*> out;
  for (const auto& o : n.options) {
    if (!o.hidden) out.push_back(&o);
  }
  if (&n != &root) {
    for (const Opt* o : global_options(root)) out.push_back(o);
  }
  return out;
}

// "path:name" patterns (for the shells' case statements) of the options that take a value,
// with what their value is: each node's own, and the global ones anywhere ("*:--color").
std::vector<std::pair<std::vector<std::string>, Value>> value_options(const std::vector<Node>& nodes) {
  std::vector<std::pair<std::vector<std::string>, Value>> out;
  for (const auto& n : nodes) {
    const bool root = &n == &nodes.front();
    for (const auto& o : n.options) {
      if (o.value.kind == Kind::none) continue;
      std::vector<std::string> patterns;
      for (const auto& name : o.names) patterns.push_back((root ? std::string("*") : n.path) + ":" + name);
      out.emplace_back(patterns, o.value);
    }
  }
  return out;
}

// "parent/word" for every name and alias of a subcommand, with the path it leads to.
std::vector<std::pair<std::string, std::string>> command_words(const std::vector<Node>& nodes) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& n : nodes) {
    for (const auto& s : n.subs) {
      out.emplace_back(n.path + "/" + s.name, n.path + "/" + s.name);
      for (const auto& a : s.aliases) out.emplace_back(n.path + "/" + a, n.path + "/" + s.name);
    }
  }
  return out;
}

std::vector<std::string> top_commands(const std::vector<Node>& nodes) {
  std::vector<std::string> out;
  for (const auto& s : nodes.front().subs) out.push_back(s.name);
  return out;
}

std::string sq(const std::string& s) {  // single-quoted for sh
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// ---------------------------------------------------------------- bash

std::string bash_kind_call(const Value& v) {
  if (v.kind == Kind::words) return std::string("_mlops_kind words ") + sq(v.words);
  return std::string("_mlops_kind ") + kind_name(v.kind);
}

std::string bash(const std::vector<Node>& nodes) {
  const Node& root = nodes.front();
  std::string s = R"SH(# bash completion for mlops. Generated by `mlops completion bash`; do not edit.
# Install: mlops completion bash > ~/.local/share/bash-completion/completions/mlops

# COMP_WORDS split at ':' and '=' (COMP_WORDBREAKS) joined back, as the command sees them:
# sets words and cword.
_mlops_words() {
    local line=${COMP_LINE:0:COMP_POINT} i t ws
    words=() cword=0
    for ((i = 0; i <= COMP_CWORD; i++)); do
        t=${COMP_WORDS[i]}
        ws=${line%%[![:space:]]*}
        line=${line:${#ws}}
        line=${line:${#t}}
        if ((i > 0)) && [[ -z $ws ]] && [[ $t == [:=]* || ${words[${#words[@]}-1]} == *[:=] ]]; then
            words[${#words[@]}-1]+=$t
        else
            words+=("$t")
        fi
    done
    cword=$((${#words[@]} - 1))
}

# Values that live in the project or the package store, from `mlops __complete`.
_mlops_values() {
    local v
    while IFS=$'\t' read -r v _; do
        [[ -n $v ]] && COMPREPLY+=("$v")
    done < <(command mlops ${_mlops_dir:+-C "$_mlops_dir"} __complete "$1" ${_mlops_store:+--store "$_mlops_store"} -- "$vcur" 2>/dev/null)
}

_mlops_kind() {
    case $1 in
        files) compopt -o filenames 2>/dev/null; mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -f -- "$vcur") ;;
        dirs) compopt -o filenames 2>/dev/null; mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -d -- "$vcur") ;;
        templates) _mlops_values templates; compopt -o filenames 2>/dev/null; mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -d -- "$vcur") ;;
        runs | packages | remotes) _mlops_values "$1" ;;
        programs) mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -c -- "$vcur") ;;
        words) mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -W "$2" -- "$vcur") ;;
        commands) mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -W ")SH" +
                  join(top_commands(nodes), " ") + R"SH(" -- "$vcur") ;;
    esac
}

_mlops() {
    local words cword cur path='' i w npos=0 rest=0 _mlops_dir='' _mlops_store='' opt='' vcur vpre='' keep handled=1 choices=''
    local opts='' cmds='' pos='' rep=0
    _mlops_words
    cur=${words[cword]}
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if ((rest)); then ((npos++)); continue; fi
        case $w in
            --) rest=1; continue ;;
            -C) _mlops_dir=${words[i+1]} ;;
            --store) _mlops_store=${words[i+1]} ;;
        esac
        case "$path:$w" in
            )SH";
  std::vector<std::string> all_value_patterns;
  for (const auto& [patterns, v] : value_options(nodes))
    all_value_patterns.insert(all_value_patterns.end(), patterns.begin(), patterns.end());
  s += join(all_value_patterns, "|") +
       ") ((i++)); continue ;;\n        esac\n        case $w in -*) continue ;; esac\n        case \"$path/$w\" in\n";
  for (const auto& [word, target] : command_words(nodes)) s += "            " + word + ") path=" + target + "; npos=0 ;;\n";
  s += R"SH(            *) ((npos++)) ;;
        esac
    done
    _mlops_dir=${_mlops_dir/#\~/$HOME}
    _mlops_store=${_mlops_store/#\~/$HOME}
    COMPREPLY=()
    vcur=$cur
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*} vcur=${cur#*=} vpre=${cur%%=*}=
    elif ((!rest && cword > 1)); then
        opt=${words[cword-1]}
    fi
    case "$path:$opt" in
)SH";
  for (const auto& [patterns, v] : value_options(nodes)) s += "        " + join(patterns, "|") + ") " + bash_kind_call(v) + " ;;\n";
  s += R"SH(        *) handled=0 ;;
    esac
    if ((!handled)) && [[ -z $vpre ]]; then
        case $path in
)SH";
  for (const auto& n : nodes) {
    std::vector<std::string> opts, cmds, pos;
    for (const Opt* o : offered(n, root)) opts.insert(opts.end(), o->names.begin(), o->names.end());
    for (const auto& sub : n.subs) cmds.push_back(sub.name);
    bool rep = false;
    for (const auto& p : n.positionals) {
      pos.push_back(p.value.kind == Kind::words ? "words" : kind_name(p.value.kind));
      rep = p.repeats;
    }
    std::string words;
    for (const auto& p : n.positionals) {
      if (p.value.kind == Kind::words) words = p.value.words;
    }
    s += "            " + sq(n.path) + ") opts=" + sq(join(opts, " ")) + " cmds=" + sq(join(cmds, " ")) + " pos=" + sq(join(pos, " ")) +
         " rep=" + (rep ? "1" : "0") + (words.empty() ? "" : " choices=" + sq(words)) + " ;;\n";
  }
  s += R"SH(        esac
        if [[ $cur == -* ]] && ((!rest)); then
            mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        else
            ((npos == 0 && !rest)) && mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur")
            local -a kinds
            read -ra kinds <<<"$pos"
            local k=${kinds[npos]}
            ((npos >= ${#kinds[@]} && rep && ${#kinds[@]} > 0)) && k=${kinds[${#kinds[@]}-1]}
            # A command's arguments after its name: files, like a shell.
            [[ $k == programs ]] && ((npos > 0)) && k=files
            [[ -n $k ]] && _mlops_kind "$k" "$choices"
        fi
    fi
    if [[ -n $vpre ]]; then COMPREPLY=("${COMPREPLY[@]/#/$vpre}"); fi
    # bash replaces only the part of the word after the last ':' or '=': drop what precedes it.
    keep=${cur%"${COMP_WORDS[COMP_CWORD]}"}
    if [[ -n $keep ]]; then COMPREPLY=("${COMPREPLY[@]#"$keep"}"); fi
    return 0
}
complete -F _mlops mlops
)SH";
  return s;
}

// ---------------------------------------------------------------- zsh

std::string zsh_escape(const std::string& s) {  // inside '...' of a _describe spec
  std::string out;
  for (char c : s) {
    if (c == ':' || c == '\\') out += '\\';
    if (c == '\'') {
      out += "'\\''";
      continue;
    }
    out += c;
  }
  return out;
}

std::string zsh_kind_call(const Value& v) {
  if (v.kind == Kind::words) return "_mlops_kind words " + sq(v.words);
  return std::string("_mlops_kind ") + kind_name(v.kind);
}

std::string zsh(const std::vector<Node>& nodes) {
  const Node& root = nodes.front();
  std::string s = R"SH(#compdef mlops
# zsh completion for mlops. Generated by `mlops completion zsh`; do not edit.
# Install: mlops completion zsh > "${fpath[1]}/_mlops"

# Values that live in the project or the package store, from `mlops __complete`.
_mlops_values() {
    local -a lines specs
    local l
    lines=(${(f)"$(command mlops ${mlops_dir:+-C "$mlops_dir"} __complete $1 ${mlops_store:+--store "$mlops_store"} -- "$PREFIX" 2>/dev/null)"})
    for l in $lines; do
        if [[ $l == *$'\t'* ]]; then specs+=("${${l%%$'\t'*}//:/\\:}:${l#*$'\t'}"); else specs+=("${l//:/\\:}"); fi
    done
    (( ${#specs} )) && _describe -t $1 ${1%s} specs
}

_mlops_kind() {
    case $1 in
        (files) _files ;;
        (dirs) _files -/ ;;
        (templates) _mlops_values templates; _files -/ ;;
        (runs|packages|remotes) _mlops_values $1 ;;
        (programs) _command_names -e ;;
        (words) local -a w; w=(${=2}); compadd -a w ;;
        (commands) compadd )SH" +
                  join(top_commands(nodes), " ") + R"SH( ;;
        (text) _message 'value' ;;
    esac
}

_mlops() {
    local cur=${words[CURRENT]} cmdpath='' i w npos=0 rest=0 mlops_dir='' mlops_store='' opt=''
    local -a opts cmds kinds
    local rep=0 choices='' k
    for ((i = 2; i < CURRENT; i++)); do
        w=${words[i]}
        if ((rest)); then ((npos++)); continue; fi
        case $w in
            (--) rest=1; continue ;;
            (-C) mlops_dir=${words[i+1]} ;;
            (--store) mlops_store=${words[i+1]} ;;
        esac
        case "$cmdpath:$w" in
            ()SH";
  std::vector<std::string> all_value_patterns;
  for (const auto& [patterns, v] : value_options(nodes))
    all_value_patterns.insert(all_value_patterns.end(), patterns.begin(), patterns.end());
  s += join(all_value_patterns, "|") +
       ") ((i++)); continue ;;\n        esac\n        case $w in (-*) continue ;; esac\n        case \"$cmdpath/$w\" in\n";
  for (const auto& [word, target] : command_words(nodes)) s += "            (" + word + ") cmdpath=" + target + "; npos=0 ;;\n";
  s += R"SH(            (*) ((npos++)) ;;
        esac
    done
    mlops_dir=${mlops_dir/#\~/$HOME}
    mlops_store=${mlops_store/#\~/$HOME}
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*}
        compset -P '*='
    elif ((!rest && CURRENT > 2)); then
        opt=${words[CURRENT-1]}
    fi
    case "$cmdpath:$opt" in
)SH";
  for (const auto& [patterns, v] : value_options(nodes)) s += "        (" + join(patterns, "|") + ") " + zsh_kind_call(v) + "; return ;;\n";
  s += R"SH(    esac
    [[ $cur == --*=* ]] && return 1
    case $cmdpath in
)SH";
  for (const auto& n : nodes) {
    s += "        (" + (n.path.empty() ? std::string("''") : n.path) + ")\n            opts=(";
    for (const Opt* o : offered(n, root)) {
      for (const auto& name : o->names) s += " '" + zsh_escape(name) + ":" + zsh_escape(o->description) + "'";
    }
    s += ")\n            cmds=(";
    for (const auto& sub : n.subs) s += " '" + zsh_escape(sub.name) + ":" + zsh_escape(sub.description) + "'";
    s += ")\n            kinds=(";
    bool rep = false;
    std::string words;
    for (const auto& p : n.positionals) {
      s += std::string(" ") + (p.value.kind == Kind::words ? "words" : kind_name(p.value.kind));
      rep = p.repeats;
      if (p.value.kind == Kind::words) words = p.value.words;
    }
    s += ")\n            rep=" + std::string(rep ? "1" : "0") + " choices=" + sq(words) + " ;;\n";
  }
  s += R"SH(    esac
    if [[ $cur == -* ]] && ((!rest)); then
        _describe -t options 'option' opts
        return
    fi
    ((npos == 0 && !rest && ${#cmds})) && _describe -t commands 'command' cmds
    k=${kinds[npos+1]}
    ((npos >= ${#kinds} && rep && ${#kinds})) && k=${kinds[-1]}
    # A command's arguments after its name: files, like a shell.
    [[ $k == programs ]] && ((npos > 0)) && k=files
    [[ -n $k ]] && _mlops_kind $k "$choices"
    return 0
}

_mlops "$@"
)SH";
  return s;
}

// ---------------------------------------------------------------- fish

std::string fish_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The arguments of a `complete` line that complete a value of kind `v`.
std::string fish_value(const Value& v) {
  switch (v.kind) {
    case Kind::files: return " -r -F";
    case Kind::dirs: return " -x -a '(__fish_complete_directories (commandline -ct))'";
    case Kind::templates: return " -x -a '(__mlops_values templates; __fish_complete_directories (commandline -ct))'";
    case Kind::runs: return " -x -a '(__mlops_values runs)'";
    case Kind::packages: return " -x -a '(__mlops_values packages)'";
    case Kind::remotes: return " -x -a '(__mlops_values remotes)'";
    case Kind::words: return " -x -a " + fish_quote(v.words);
    case Kind::programs: return " -x -a '(__fish_complete_command)'";
    case Kind::text: return " -x";
    case Kind::commands: return " -x";
    case Kind::none: return "";
  }
  return "";
}

std::string fish(const std::vector<Node>& nodes) {
  const Node& root = nodes.front();
  std::vector<std::string> value_words;
  for (const auto& [patterns, v] : value_options(nodes)) {
    for (const auto& p : patterns) value_words.push_back(fish_quote(p));  // quoted: fish would glob a bare *
  }
  std::string s = R"SH(# fish completion for mlops. Generated by `mlops completion fish`; do not edit.
# Install: mlops completion fish > ~/.config/fish/completions/mlops.fish

# The words typed before the cursor, read as the command will: prints the command path
# ("/exp/list"), the number of arguments given to it, 1 after `--`, and -C and --store.
function __mlops_state
    set -l tokens (commandline -opc)
    set -l path ''
    set -l npos 0
    set -l rest 0
    set -l dir ''
    set -l store ''
    set -l skip 0
    set -l prev ''
    for t in $tokens[2..-1]
        if test $skip = 1
            set skip 0
            test "$prev" = -C; and set dir $t
            test "$prev" = --store; and set store $t
            continue
        end
        if test $rest = 1
            set npos (math $npos + 1)
            continue
        end
        if test "$t" = --
            set rest 1
            continue
        end
        switch "$path:$t"
            case )SH";
  s += join(value_words, " ") + R"SH(
                set skip 1
                set prev $t
                continue
        end
        switch $t
            case '-*'
                continue
        end
        switch "$path/$t"
)SH";
  for (const auto& [word, target] : command_words(nodes)) {
    s += "            case " + fish_quote(word) + "\n                set path " + fish_quote(target) + "\n                set npos 0\n";
  }
  s += R"SH(            case '*'
                set npos (math $npos + 1)
        end
    end
    printf '%s\n' "$path" $npos $rest "$dir" "$store"
end

# __mlops_at PATH [N | N+]: the cursor is at command PATH (and at its argument N, or N or later).
function __mlops_at
    set -l s (__mlops_state)
    test "$s[1]" = "$argv[1]"; or return 1
    test (count $argv) -lt 2; and return 0
    set -l n (string replace '+' '' -- $argv[2])
    if string match -q '*+' -- $argv[2]
        test $s[2] -ge $n
    else
        test $s[2] -eq $n
    end
end

# Values that live in the project or the package store, from `mlops __complete`.
function __mlops_values
    set -l s (__mlops_state)
    set -l args
    test -n "$s[4]"; and set args $args -C (string replace -r '^~' $HOME -- $s[4])
    set args $args __complete $argv[1]
    test -n "$s[5]"; and set args $args --store (string replace -r '^~' $HOME -- $s[5])
    command mlops $args -- (commandline -ct | string replace -r '^--[^=]*=' '') 2>/dev/null
end

complete -c mlops -f
)SH";
  for (const auto& n : nodes) {
    const std::string at = "__mlops_at " + fish_quote(n.path);
    for (const auto& sub : n.subs)
      s += "complete -c mlops -n " + fish_quote(at + " 0") + " -a " + fish_quote(sub.name) + " -d " + fish_quote(sub.description) + "\n";
    std::vector<const Opt*> opts = offered(n, root);
    for (const Opt* o : opts) {
      std::string line = "complete -c mlops -n " + fish_quote(at);
      for (const auto& name : o->names) line += (name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1));
      s += line + fish_value(o->value) + " -d " + fish_quote(o->description) + "\n";
    }
    for (size_t i = 0; i < n.positionals.size(); ++i) {
      const auto& p = n.positionals[i];
      Value v = p.value;
      if (v.kind == Kind::text || v.kind == Kind::none) continue;
      if (v.kind == Kind::commands) v = {Kind::words, join(top_commands(nodes), " ")};
      const std::string which = std::to_string(i) + (p.repeats && i + 1 == n.positionals.size() ? "+" : "");
      if (v.kind == Kind::programs) {
        // The command to run, then its arguments (files, like a shell).
        s += "complete -c mlops -n " + fish_quote(at + " " + std::to_string(i)) + fish_value(v) + "\n";
        s += "complete -c mlops -n " + fish_quote(at + " " + std::to_string(i + 1) + "+") + " -F\n";
        continue;
      }
      s += "complete -c mlops -n " + fish_quote(at + " " + which) + fish_value(v) + "\n";
    }
  }
  return s;
}

}  // namespace

std::string completion_script(const CLI::App& root, const std::string& shell) {
  std::vector<Node> nodes;
  collect(root, "", nodes);
  if (shell == "bash") return bash(nodes);
  if (shell == "zsh") return zsh(nodes);
  if (shell == "fish") return fish(nodes);
  throw Error(ErrorKind::usage, "unknown shell '" + shell + "'", "choose bash, zsh or fish");
}

}  // namespace mlops::cli
