// SPDX-License-Identifier: MIT
#include "old_spellings.hpp"

#include "parse_errors.hpp"

#include <algorithm>

namespace mlops::cli {

void old_short(CLI::App& cmd, Context& ctx, const std::string& old, CLI::Option* target) {
  const std::string note = old + " is the old spelling of " + target->get_name() + " in '" + command_path(cmd) + "'; write " +
                           target->get_name() + " (" + old + " will go away)";
  CLI::Option* o = cmd.add_option(
      old,
      [target, &ctx, note](const CLI::results_t& values) {
        // Added as the target's own results, in command-line order, so its checks, its
        // "given more than once" rule and its callback see one option.
        for (const auto& v : values) target->add_result(v);
        if (std::find(ctx.notes.begin(), ctx.notes.end(), note) == ctx.notes.end()) ctx.notes.push_back(note);
        return true;
      },
      "Old spelling of " + target->get_name());
  o->group("")->type_name(target->get_type_name())->expected(1)->allow_extra_args(false)->trigger_on_parse();
}

}  // namespace mlops::cli
