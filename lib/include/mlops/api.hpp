// SPDX-License-Identifier: MIT
#pragma once

// libmlops is built with hidden visibility; what is marked MLOPS_API is its public ABI.
#define MLOPS_API __attribute__((visibility("default")))
