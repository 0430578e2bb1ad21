// SPDX-License-Identifier: MIT
#include "package/store.hpp"
#include "pipeline/data.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/lockfile.hpp"
#include "pipeline/stages.hpp"
#include "pipeline/started.hpp"

#include "core/sha256.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>

#include <string>
#include <thread>

using namespace mlops;
using namespace mlops::pipeline;
namespace stdfs = std::filesystem;

namespace {

struct Project {
  fs::TempDir tmp;
  stdfs::path root = tmp.path();
  Project() { stdfs::create_directories(root / ".git"); }
  void write(const std::string& rel, const std::string& text) const {
    stdfs::create_directories((root / rel).parent_path());
    fs::write_file_atomic(root / rel, text);
  }
  Pipeline load(const std::string& yaml) const {
    write("mlops.yaml", yaml);
    return load_pipeline(root);
  }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Waits until a file written just now has left the stat cache's racy window (100 ms): its
// ctime cannot be set back.
void age(const stdfs::path&) { std::this_thread::sleep_for(std::chrono::milliseconds(150)); }

}  // namespace

TEST_CASE("pipeline: stages come in graph order, upstream first") {
  Project pr;
  pr.write("raw", "x");
  const Pipeline p = pr.load(
      "stages:\n"
      "  train: {cmd: t, deps: [data/prepared], outs: [model]}\n"
      "  report: {cmd: r, deps: [model, data], outs: [report.md]}\n"
      "  prepare: {cmd: p, deps: [raw], outs: [data/prepared]}\n");
  REQUIRE(p.stages.size() == 3);
  CHECK(p.stages[0].name == "prepare");
  CHECK(p.stages[1].name == "train");
  CHECK(p.stages[2].name == "report");
  CHECK(p.stages[2].upstream == std::vector<std::size_t>{0, 1});  // `data` contains prepare's output
  CHECK(select(p, {"train"}) == std::vector<std::size_t>{0, 1});
  CHECK(error_of([&] { select(p, {"nope"}); }).find("no stage named 'nope'") != std::string::npos);
}

TEST_CASE("pipeline: a stage's keys and paths are checked") {
  Project pr;
  CHECK(error_of([&] { pr.load("stages:\n  a:\n    cmd: x\n    frozen: maybe\n"); }).find("mlops.yaml:4: frozen must be true or false") !=
        std::string::npos);
  CHECK(error_of([&] { pr.load("stages:\n  a:\n    command: x\n"); }).find("mlops.yaml:3: unknown key 'command'") != std::string::npos);
  CHECK(error_of([&] { pr.load("stages:\n  a: {deps: [x]}\n"); }).find("has no 'cmd'") != std::string::npos);
  CHECK(error_of([&] { pr.load("stages:\n  a: {cmd: x, pool: {gpu: 0}}\n"); }).find("pool 'gpu' wants a count") != std::string::npos);
  CHECK(error_of([&] {
          pr.load("stages:\n  a: {cmd: x, outs: [{o: {cache: false, bogus: 1}}]}\n");
        }).find("unknown key 'bogus' in output 'o'") != std::string::npos);
  CHECK(error_of([&] { pr.load("stages:\n  a: {cmd: x, wdir: sub, outs: [../../o]}\n"); }).find("outside the project") !=
        std::string::npos);
  const Pipeline p = pr.load(
      "stages:\n"
      "  a:\n"
      "    cmd: [one, two]\n"
      "    wdir: sub\n"
      "    outs: [o, {big: {cache: false, persist: true}}]\n"
      "    metrics: [m.json]\n"
      "    params: [lr, {conf.yaml: [a.b]}, {all.yaml: null}]\n"
      "    env: {SEED: 1}\n"
      "    pool: {gpu: 1}\n");
  const Stage& s = p.stages.at(0);
  CHECK(s.cmd == std::vector<std::string>{"one", "two"});
  REQUIRE(s.outs.size() == 3);
  CHECK(s.outs[0].path == "sub/o");
  CHECK((s.outs[1].path == "sub/big" && !s.outs[1].cache && s.outs[1].persist));
  CHECK((s.outs[2].metric && !s.outs[2].cache));
  REQUIRE(s.params.size() == 3);
  CHECK((s.params[0].file == "sub/params.yaml" && s.params[0].key == "lr"));
  CHECK((s.params[1].file == "sub/conf.yaml" && s.params[1].key == "a.b"));
  CHECK(s.params[2].key.empty());
  CHECK(s.env.at("SEED") == "1");
  CHECK(s.pool.at("gpu") == 1);
}

TEST_CASE("pipeline: a cycle is named, a self-loop too") {
  Project pr;
  const std::string e =
      error_of([&] { pr.load("stages:\n  a: {cmd: x, deps: [b.o], outs: [a.o]}\n  b: {cmd: x, deps: [a.o], outs: [b.o]}\n"); });
  CHECK(e.find("the stages form a cycle: ") != std::string::npos);
  CHECK((e.find("a -> b -> a") != std::string::npos || e.find("b -> a -> b") != std::string::npos));
  CHECK(error_of([&] { pr.load("stages:\n  a: {cmd: x, deps: [d/x], outs: [d]}\n"); }).find("a -> a") != std::string::npos);
}

TEST_CASE("pipeline: a 10000-stage chain is ordered and a 10000-stage cycle named on one line") {
  // The order and the cycle search are iterative (a recursive walk this deep risks the
  // stack) and linear (the old order was quadratic).
  Project pr;
  const int n = 10000;
  std::string reversed = "stages:\n";  // s9999 first, s0 last: the order must move every stage
  for (int k = n - 1; k >= 0; --k)
    reversed += "  s" + std::to_string(k) + ": {cmd: x, deps: [" + (k ? "o" + std::to_string(k - 1) : std::string("mlops.yaml")) +
                "], outs: [o" + std::to_string(k) + "]}\n";
  const Pipeline p = pr.load(reversed);
  REQUIRE(p.stages.size() == static_cast<std::size_t>(n));
  for (std::size_t i = 1; i < p.stages.size(); ++i) CHECK(p.stages[i].upstream == std::vector<std::size_t>{i - 1});
  std::string cyclic = reversed;
  cyclic.replace(cyclic.find("deps: [mlops.yaml]"), 18, "deps: [o9999]");
  const std::string e = error_of([&] { pr.load(cyclic); });
  CHECK(e.find("the stages form a cycle: ") != std::string::npos);
  CHECK(e.find("(9989 more)") != std::string::npos);
  CHECK(e.size() < 400);
}

TEST_CASE("pipeline: a directory's digest is its canonical manifest's, whatever the order of creation") {
  Project one, two;
  one.write("d/b", "bee");
  one.write("d/a/x", "ex");
  two.write("d/a/x", "ex");
  two.write("d/b", "bee");
  Hasher h1(one.root / "c1"), h2(two.root / "c2");
  const auto d1 = h1.hash(one.root / "d"), d2 = h2.hash(two.root / "d");
  REQUIRE((d1 && d2));
  CHECK(d1->dir);
  CHECK(d1->sha256 == d2->sha256);
  CHECK(d1->nfiles == 2);
  CHECK(d1->size == 5);
  two.write("d/b", "bea");
  CHECK(h2.hash(two.root / "d")->sha256 != d1->sha256);
  std::uint64_t size = 0, n = 0;
  CHECK(h1.manifest(one.root / "d", nullptr, size, n) == R"({"entries":[{"mode":"0644","path":"a/x","sha256":")" + sha256_hex("ex") +
                                                             R"(","size":2},{"mode":"0644","path":"b","sha256":")" + sha256_hex("bee") +
                                                             R"(","size":3}],"mediaType":"application/vnd.mlops.pipeline.dir.v1+json"})");
  CHECK(!h1.hash(one.root / "missing"));
}

TEST_CASE("pipeline: the stat cache reads a known file once, a changed one again") {
  Project pr;
  pr.write("f", "hello");
  age(pr.root / "f");
  {
    Hasher h(pr.root / "cache");
    CHECK(h.hash(pr.root / "f")->sha256 == sha256_hex("hello"));
    CHECK(h.files_read() == 1);
    h.save();
  }
  {
    Hasher h(pr.root / "cache");
    CHECK(h.hash(pr.root / "f")->sha256 == sha256_hex("hello"));
    CHECK(h.files_read() == 0);
  }
  pr.write("f", "hellO");  // same size, new inode and times
  Hasher h(pr.root / "cache");
  CHECK(h.hash(pr.root / "f")->sha256 == sha256_hex("hellO"));
  CHECK(h.files_read() == 1);
}

TEST_CASE("pipeline: a file changed just now is not remembered (racy)") {
  Project pr;
  pr.write("f", "new");
  {
    Hasher h(pr.root / "cache");
    h.hash(pr.root / "f");
    h.save();
  }
  Hasher h(pr.root / "cache");
  h.hash(pr.root / "f");
  CHECK(h.files_read() == 1);
}

namespace {

FileRecord numbered(std::uint64_t i) {
  FileRecord r{};
  r.dev = 1, r.ino = i, r.size = 10 + i, r.mtime_ns = 100, r.ctime_ns = 200;
  hex_to_raw(sha256_hex(std::to_string(i)), r.digest);
  return r;
}

}  // namespace

TEST_CASE("pipeline: the stat cache files are read whole or not at all") {
  Project pr;
  const stdfs::path file = pr.root / "digests";
  {
    RecordFile<FileRecord> c(file, 100);
    for (std::uint64_t i : {5, 1, 3}) c.add(numbered(i));
    c.save();
  }
  const std::string good = fs::read_file(file);
  const auto count = [&] {
    RecordFile<FileRecord> c(file, 100);
    c.load();
    return c.loaded();
  };
  CHECK(count() == 3);
  {
    RecordFile<FileRecord> c(file, 100);
    const auto hit = c.find(numbered(3));
    REQUIRE(hit);
    CHECK(raw_to_hex(hit->digest) == sha256_hex("3"));
    CHECK(!c.find(numbered(4)));
  }
  SECTION("any byte flipped: ignored, never a wrong digest") {
    for (std::size_t at = 0; at < good.size(); ++at) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ 0x01);
      INFO("byte " << at);
      CHECK(!RecordFile<FileRecord>::parse(bad));
    }
  }
  SECTION("cut short or grown: ignored") {
    for (std::size_t n = 0; n < good.size(); n += 7) CHECK(!RecordFile<FileRecord>::parse(good.substr(0, n)));
    CHECK(!RecordFile<FileRecord>::parse(good + "x"));
  }
  SECTION("the text format of version 2, the other cache's records: ignored, then rebuilt") {
    fs::write_file_atomic(file, "mlops-digest-cache 2\nf 1 3 13 100 200 " + sha256_hex("x") + " 0 0 0\n");
    CHECK(count() == 0);
    CHECK(!RecordFile<DirRecord>::parse(good));
    RecordFile<FileRecord> c(file, 100);
    c.add(numbered(7));
    c.save();
    CHECK(count() == 1);
  }
  SECTION("unsorted records (not written by mlops): ignored") {
    std::vector<FileRecord> v{numbered(3), numbered(1)};
    CHECK(!RecordFile<FileRecord>::parse(RecordFile<FileRecord>::serialize(v)));
    std::swap(v[0], v[1]);
    CHECK(RecordFile<FileRecord>::parse(RecordFile<FileRecord>::serialize(v)));
  }
  SECTION("a save merges what another process saved meanwhile") {
    RecordFile<FileRecord> a(file, 100), b(file, 100);
    a.load();
    b.load();
    a.add(numbered(8));
    b.add(numbered(9));
    a.save();
    b.save();
    CHECK(count() == 5);
  }
}

TEST_CASE("pipeline: a damaged stat cache costs a re-read, never a wrong digest") {
  Project pr;
  pr.write("d/a", "alpha");
  pr.write("d/b", "beta");
  pr.write("one", "single");
  age(pr.root / "d");
  const std::string want_dir = Hasher(pr.root / "c0" / "digests").hash(pr.root / "d")->sha256;
  stdfs::create_directories(pr.root / "st");
  {
    Hasher h(pr.root / "st" / "digests");
    h.hash(pr.root / "d");
    h.hash(pr.root / "one");
    h.save();
  }
  for (const char* name : {"dirs", "digests"}) {
    const stdfs::path f = pr.root / "st" / name;
    const std::string good = fs::read_file(f);
    for (std::size_t at = 0; at < good.size(); ++at) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ 0x04);
      fs::write_file_atomic(f, bad);
      Hasher h(pr.root / "st" / "digests");
      INFO(name << " byte " << at);
      CHECK(h.hash(pr.root / "d")->sha256 == want_dir);
      CHECK(h.hash(pr.root / "one")->sha256 == sha256_hex("single"));
    }
    fs::write_file_atomic(f, good);
  }
}

TEST_CASE("pipeline: outputs stored are blobs under their sha256") {
  Project pr;
  pr.write("d/x", "data");
  package::Store store(pr.root / "store");
  Hasher h(pr.root / "cache");
  const auto d = h.store(pr.root / "d", store);
  REQUIRE(d);
  CHECK(store.has_blob("sha256:" + sha256_hex("data"), 4));
  CHECK(store.has_blob("sha256:" + d->sha256));
}

TEST_CASE("pipeline: mlops.lock round-trips and refuses what it does not understand") {
  Project pr;
  LockFile l;
  LockEntry& e = l.stages["train"];
  e.cmd = {"python train.py"};
  e.env = {{"SEED", "1"}};
  e.deps = {{"data", std::string(64, 'a'), 10, 2}};
  e.outs = {{"model.bin", std::string(64, 'b'), 3, std::nullopt}};
  e.params["params.yaml"]["lr"] = "0.1";
  e.params["params.yaml"]["layers"] = "[1, 2]";
  write_lock(pr.root, l, {"train"});
  const LockFile back = read_lock(pr.root);
  REQUIRE(back.stages.count("train") == 1);
  const LockEntry& b = back.stages.at("train");
  CHECK(b.cmd == e.cmd);
  CHECK(b.env == e.env);
  CHECK(b.deps == e.deps);
  CHECK(b.outs == e.outs);
  CHECK(b.params == e.params);
  CHECK(lock_text(back, {"train"}) == lock_text(l, {"train"}));
  pr.write("mlops.lock", "schema: 1\nstages:\n  s:\n    cmd: x\n    outs:\n      - {path: o, sha256: nothex, size: 1}\n");
  CHECK(error_of([&] { read_lock(pr.root); }).find("mlops.lock:6: sha256 is not 64 hex digits") != std::string::npos);
  pr.write("mlops.lock", "schema: 2\n");
  CHECK(error_of([&] { read_lock(pr.root); }).find("unknown schema") != std::string::npos);
}

TEST_CASE("pipeline: params are compared by value, key by key") {
  Project pr;
  pr.write("params.yaml", "model: {lr: 0.1, depth: 3}\nseed: 1\n");
  pr.write("in", "x");
  const Pipeline p = pr.load("stages:\n  s: {cmd: x, deps: [in], params: [model.lr, {params.yaml: [seed]}]}\n");
  const auto v = current_params(p, p.stages[0]);
  CHECK(v.at("params.yaml").at("model.lr") == "0.1");
  CHECK(v.at("params.yaml").at("seed") == "1");
  Hasher h(pr.root / "cache");
  Decision first = decide(p, p.stages[0], nullptr, false, h);
  CHECK(first.reason.find("never ran") == 0);
  LockEntry locked = first.inputs;
  CHECK(decide(p, p.stages[0], &locked, false, h).reason.empty());
  CHECK(decide(p, p.stages[0], &locked, true, h).reason.find("did not finish") != std::string::npos);
  pr.write("params.yaml", "model: {lr: 0.2, depth: 4}\nseed: 1\n");  // depth is not a param of s
  CHECK(decide(p, p.stages[0], &locked, false, h).reason == "param params.yaml:model.lr changed: 0.1 -> 0.2");
  pr.write("params.yaml", "model: {lr: 0.1}\n");
  CHECK(decide(p, p.stages[0], &locked, false, h).reason == "param params.yaml:seed was deleted");
}

TEST_CASE("pipeline: temporary lock files are removed when dead, kept while a writer may be at work") {
  Project pr;
  const stdfs::path fresh = pr.root / ".mlops.lock.tmp-AbC123", old = pr.root / ".mlops.lock.tmp-xyz789";
  const stdfs::path mine = pr.root / ".mlops.lock.tmp-notes.txt";  // not mkostemp's name: the user's
  for (const auto& f : {fresh, old, mine}) fs::write_file_atomic(f, "schema: 1\n");
  // Set back two minutes, as a writer killed long ago leaves it.
  const struct timespec times[2] = {{0, UTIME_OMIT}, {::time(nullptr) - 120, 0}};
  REQUIRE(::utimensat(AT_FDCWD, old.c_str(), times, 0) == 0);
  // Without the pipeline lock: a file touched within the minute may be a live writer's.
  CHECK(clean_lock_temps(pr.root, false) == 1);
  CHECK(stdfs::exists(fresh));
  CHECK_FALSE(stdfs::exists(old));
  // Holding it: no writer is alive, whatever the age.
  CHECK(clean_lock_temps(pr.root, true) == 1);
  CHECK_FALSE(stdfs::exists(fresh));
  CHECK(stdfs::exists(mine));
}

TEST_CASE("pipeline: deps: ${list} is one dep per item, in a foreach too; an item that is not text is refused") {
  Project pr;
  for (const char* f : {"a.csv", "b.csv", "small.csv", "conf.yaml"}) pr.write(f, "x");
  const Pipeline p = pr.load(
      "vars:\n"
      "  - files: [a.csv, b.csv]\n"
      "    one: conf.yaml\n"
      "stages:\n"
      "  whole:\n"
      "    cmd: x\n"
      "    deps: ${files}\n"
      "  items:\n"
      "    cmd: x\n"
      "    deps:\n"
      "      - ${files}\n"
      "      - ${one}\n"
      "  each:\n"
      "    foreach: {small: [small.csv, conf.yaml]}\n"
      "    do:\n"
      "      cmd: x\n"
      "      deps:\n"
      "        - ${item}\n");
  REQUIRE(p.stages.size() == 3);
  CHECK(p.stages[0].deps == std::vector<std::string>{"a.csv", "b.csv"});
  CHECK(p.stages[1].deps == std::vector<std::string>{"a.csv", "b.csv", "conf.yaml"});
  CHECK(p.stages[1].dep_lines == std::vector<int>{11, 11, 12});
  CHECK(p.stages[2].deps == std::vector<std::string>{"small.csv", "conf.yaml"});
  CHECK(error_of([&] {
          pr.load("vars: [{l: [[a.csv]]}]\nstages:\n  s:\n    cmd: x\n    deps:\n      - ${l}\n");
        }).find("mlops.yaml:6: '${l}' holds a list, which cannot be a path") != std::string::npos);
  CHECK(error_of([&] {
          pr.load("vars: [{x: 1}]\nstages:\n  s:\n    cmd: x\n    deps:\n      - ${nope}\n");
        }).find("unknown variable 'nope'") != std::string::npos);
}

TEST_CASE("pipeline: a directory manifest's names are checked in one pass, however long and deep") {
  const std::string hex(64, 'a');
  const auto manifest = [&](const std::vector<std::string>& names) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& n : names) entries.push_back({{"path", n}, {"sha256", hex}, {"size", 1}});
    return nlohmann::json{{"entries", entries}}.dump();
  };
  const auto ok = [](const std::string& text) {
    std::vector<DirEntry> out;
    return manifest_entries_ok(text, out);
  };
  CHECK(ok(manifest({"a", "b/c", "b/d", "ab/c"})));
  CHECK_FALSE(ok(manifest({"a", "a"})));
  CHECK_FALSE(ok(manifest({"a", "a/b"})));
  CHECK_FALSE(ok(manifest({"a/b/c", "a/b"})));
  CHECK_FALSE(ok(manifest({"a/", "a"})));
  CHECK(ok(manifest({"a/b", "a/bc", "ab"})));

  // A 1 MiB name is refused whole (names are at most 4096 bytes).
  CHECK_FALSE(ok(manifest({std::string(1u << 20, 'a')})));
  // 1 MiB of names near that limit, each 2,043 directories deep: every prefix of every name was
  // copied and looked up before (about 10^10 bytes compared for these).
  std::string deep;
  while (deep.size() < 4086) deep += "a/";
  std::vector<std::string> names;
  for (int i = 0; i < 256; ++i) names.push_back(deep + "f" + std::to_string(1000 + i));
  std::vector<DirEntry> out;
  CHECK(manifest_entries_ok(manifest(names), out));
  CHECK(out.size() == 256);
  CHECK(out.back().path == names.back());
  names.push_back(deep + "f1000/x");  // inside a file of the list
  CHECK_FALSE(ok(manifest(names)));
  names.back() = deep.substr(0, deep.size() - 1);  // a file where the others' directory is
  CHECK_FALSE(ok(manifest(names)));
}

TEST_CASE("pipeline: the pointer data add writes reads back, whatever YAML makes of the name") {
  Project p;
  for (const std::string name : {"raw.csv", "null", "Null", "NULL", "true", "~", "-x", "a b: #c", "1e3", "yes"}) {
    INFO(name);
    LockedPath out{name, std::string(64, 'a'), 3, std::nullopt};
    p.write(name + ".mlops", pointer_text(out));
    CHECK(read_pointer(p.root, p.root / (name + ".mlops")).out == out);
  }
  // A pointer an earlier version wrote for data named null (the name plain: a YAML null).
  p.write("null.mlops", "schema: 1\nouts:\n  - path: null\n    sha256: " + std::string(64, 'a') + "\n    size: 3\n");
  CHECK(read_pointer(p.root, p.root / "null.mlops").out.path == "null");
  p.write("other.mlops", "schema: 1\nouts:\n  - path: null\n    sha256: " + std::string(64, 'a') + "\n    size: 3\n");
  CHECK_THROWS_AS(read_pointer(p.root, p.root / "other.mlops"), Error);
}

TEST_CASE("pipeline: a started entry reads as running while held, as unfinished once let go") {
  fs::TempDir tmp;
  const stdfs::path state = tmp.path();
  stdfs::create_directories(state / "started");
  CHECK(started(state, "train") == Started::no);
  {
    const StartedEntry held = StartedEntry::write(state, "train", "never ran\n");
    CHECK(started(state, "train") == Started::running);
    CHECK(started(state, "prepare") == Started::no);
    // Written again over an entry a dead run left: held from the moment it has the name.
    const StartedEntry other = StartedEntry::write(state, "prepare", "x\n");
    CHECK(started(state, "prepare") == Started::running);
  }
  CHECK(started(state, "train") == Started::unfinished);  // the holder is gone, the entry stays
  const StartedEntry again = StartedEntry::write(state, "train", "its last run did not finish\n");
  CHECK(started(state, "train") == Started::running);
  CHECK(fs::read_file(started_path(state, "train")) == "its last run did not finish\n");
  std::size_t n = 0;
  for (const auto& e : stdfs::directory_iterator(state / "started")) n += e.path().filename().string()[0] == '.' ? 100 : 1;
  CHECK(n == 2);  // no temporary name left
}
