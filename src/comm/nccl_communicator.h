#pragma once
// CUDA tensors over NCCL. The communicator's unique id travels over MPI; the
// device is chosen from the node-local rank; collectives run on the
// communicator's own stream, ordered after the compute stream with an event
// and ordered before later compute with another: no host synchronization.
// Each collective queued is watched by the hung-peer watchdog (an event of its
// own; comm/collective_watchdog.h): one pending past train.collective_timeout,
// or an asynchronous NCCL error, aborts the communicator and ends the job
// instead of hanging it. Host tensors (metrics, RNG states for checkpoints)
// are copied to the device and back around the collective.
#include "comm/communicator.h"

namespace parlance {

std::unique_ptr<Communicator> make_nccl_communicator();

}  // namespace parlance
