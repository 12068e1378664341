/*
 * In-kernel benchmarks, run at boot with "bench=all" (make bench). Each
 * prints lines "name value unit": cycles from the guest TSC and the same
 * figure in nanoseconds (wall time, from the TSC's boot calibration). They
 * print figures and assert nothing about time.
 */
#ifndef TESTS_KERNEL_BENCH_H
#define TESTS_KERNEL_BENCH_H

/* Runs every benchmark; returns 0. */
int bench_run_all(void);

#endif
