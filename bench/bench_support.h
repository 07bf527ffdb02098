// Helpers for Kiln's benchmarks: medians of repeated runs, a printed table, a JSON report.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kiln::bench {

inline double nowMs() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

// Runs `body` `runs` times after one warm-up run and returns the median duration in ms, on the
// given clock (wall time by default).
inline double medianMs(int runs, const std::function<void()>& body, double (*clock_ms)() = nowMs) {
    body();
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        double start = clock_ms();
        body();
        times.push_back(clock_ms() - start);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

struct Row {
    std::string key;
    double value;
    std::string unit;
    double target;  // the figure to stay at or under; 0 when the row is for information
    std::string note;
};

// Prints the rows as a table (with value / target ratios) and writes them to `json_path`.
inline void report(const std::string& title, const std::vector<Row>& rows, const std::string& json_path) {
    std::printf("\n%s\n", title.c_str());
    std::printf("%-38s %12s %-4s %10s %8s  %s\n", "figure", "median", "", "target", "ratio", "note");
    nlohmann::json json = nlohmann::json::object();
    for (const Row& row : rows) {
        char target[32] = "-", ratio[32] = "-";
        if (row.target > 0) {
            std::snprintf(target, sizeof target, "%.3g", row.target);
            std::snprintf(ratio, sizeof ratio, "%.2f", row.value / row.target);
        }
        std::printf("%-38s %12.4f %-4s %10s %8s  %s\n", row.key.c_str(), row.value, row.unit.c_str(), target, ratio,
                    row.note.c_str());
        json[row.key] = row.value;
    }
    std::ofstream(json_path) << json.dump(2) << "\n";
    std::printf("\nwritten to %s\n", json_path.c_str());
}

}  // namespace kiln::bench
