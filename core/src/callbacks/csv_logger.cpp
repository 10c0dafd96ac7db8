// CSVLogger: one row per epoch, flushed at once so a crashed run keeps its curve.
#include <cmath>
#include <fstream>

#include "glassbox/callback.h"
#include "glassbox/error.h"

namespace glassbox {

struct CSVLogger::File {
  std::ofstream out;
};

CSVLogger::CSVLogger(std::string path) : path_(std::move(path)) {}
CSVLogger::~CSVLogger() = default;

void CSVLogger::on_train_begin(MyDeepLearning& model, const TrainBegin& info) {
  file_ = std::make_unique<File>();
  file_->out.open(path_, std::ios::trunc);
  if (!file_->out) throw Error(path_ + ": cannot write the training log");
  file_->out << "epoch,loss,accuracy,val_loss,val_accuracy,seconds,learning_rate\n" << std::flush;
}

void CSVLogger::on_epoch_end(MyDeepLearning& model, const EpochLog& log) {
  if (!file_) return;
  auto& o = file_->out;
  o.precision(9);
  o << log.epoch << ',' << log.loss << ',' << log.accuracy << ',';
  if (log.has_validation) o << log.val_loss << ',' << log.val_accuracy;
  else o << ',';
  o << ',' << log.seconds << ',' << log.learning_rate << '\n' << std::flush;
}

void CSVLogger::on_train_end(MyDeepLearning& model, const History& history) { file_.reset(); }

}  // namespace glassbox
