// The Keras-style progress display of fit.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "glassbox/callback.h"

namespace glassbox {

namespace {

std::string duration_text(double s) {
  std::ostringstream o;
  if (s >= 3600) o << static_cast<int>(s / 3600) << ':' << std::setw(2) << std::setfill('0') << static_cast<int>(s / 60) % 60 << ':' << std::setw(2) << static_cast<int>(s) % 60;
  else if (s >= 60) o << static_cast<int>(s / 60) << ':' << std::setw(2) << std::setfill('0') << static_cast<int>(s) % 60;
  else o << static_cast<int>(std::lround(s)) << 's';
  return o.str();
}

std::string figures(double loss, double acc) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(4) << " - loss: " << loss << " - accuracy: " << acc;
  return o.str();
}

}  // namespace

ProgressBar::ProgressBar(int verbose, std::ostream& out, bool is_terminal)
    : verbose_(verbose), out_(out), tty_(is_terminal) {}

ProgressBar::ProgressBar(int verbose) : ProgressBar(verbose, std::cout, isatty(STDOUT_FILENO) != 0) {}

void ProgressBar::on_train_begin(MyDeepLearning& model, const TrainBegin& info) { info_ = info; }

void ProgressBar::on_epoch_begin(MyDeepLearning& model, int epoch) {
  drew_ = false;
  if (verbose_ == 1 && tty_) out_ << "Epoch " << epoch << '/' << info_.epochs << '\n' << std::flush;
}

void ProgressBar::on_batch_end(MyDeepLearning& model, const BatchLog& log) {
  if (verbose_ != 1 || !tty_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool last = log.batch == log.batches;
  // Redrawing a terminal line costs more than a small batch: at most ~10 times a second.
  if (drew_ && !last && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drew_ = true;
  constexpr int width = 30;
  const std::string total = std::to_string(log.batches);
  std::ostringstream o;
  o << '\r' << std::setw(static_cast<int>(total.size())) << log.batch << '/' << total << " [";
  const int done = static_cast<int>(width * log.batch / std::max<std::size_t>(log.batches, 1));
  for (int i = 0; i < width; ++i) o << (i < done - 1 || (last && i < width) ? '=' : i == done - 1 ? '>' : '.');
  o << "] - ";
  if (last) o << duration_text(log.seconds);
  else o << "ETA: " << duration_text(log.seconds / log.batch * (log.batches - log.batch));
  o << figures(log.loss, log.accuracy) << "\x1b[K";  // clear what a longer line left behind
  out_ << o.str() << std::flush;
}

void ProgressBar::on_epoch_end(MyDeepLearning& model, const EpochLog& log) {
  if (verbose_ == 0) return;
  std::ostringstream o;
  if (verbose_ == 1 && tty_) {
    // Finish the bar's line with the epoch's figures.
    o << "\r" << info_.batches_per_epoch << '/' << info_.batches_per_epoch << " [" << std::string(30, '=') << "] - "
      << duration_text(log.seconds) << ' ' << std::fixed << std::setprecision(0)
      << log.seconds * 1000.0 / std::max<std::size_t>(info_.batches_per_epoch, 1) << "ms/step";
  } else {
    o << "Epoch " << log.epoch << '/' << info_.epochs << " - " << std::fixed << std::setprecision(1) << log.seconds << 's';
  }
  o << figures(log.loss, log.accuracy);
  if (log.has_validation)
    o << std::fixed << std::setprecision(4) << " - val_loss: " << log.val_loss << " - val_accuracy: " << log.val_accuracy;
  o << std::scientific << std::setprecision(2) << " - lr: " << log.learning_rate;
  if (verbose_ == 1 && tty_) o << "\x1b[K";
  out_ << o.str() << '\n' << std::flush;
}

}  // namespace glassbox
