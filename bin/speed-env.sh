# Sourced by ./perennial and bin/java-for-tests (POSIX sh): where the speed libraries live (bin/system-packages.sh
# installs them), and perennial_speed_env, which preloads those that are present. See README "Speed".

perennial_lib_dir="/usr/lib/$(uname -m)-linux-gnu"
perennial_openmp_blas="$perennial_lib_dir/openblas-openmp/libopenblas.so.0"
perennial_tcmalloc="$perennial_lib_dir/libtcmalloc_minimal.so.4"

perennial_present() {
  # A regular, non-empty file (CI hides a library by mounting /dev/null over it).
  [ -f "$1" ] && [ -s "$1" ]
}

perennial_speed_env() {
  # BLAS: the OpenBLAS bundled with libtorch runs its own pthreads beside libtorch's OpenMP workers, and on 2 cores
  # they spin against each other. Debian's OpenMP build of OpenBLAS (libopenblas0-openmp) shares one OpenMP runtime
  # with libtorch, as Debian's PyTorch does: when it is installed it is preloaded (measured on the 1.8M-parameter
  # shape: 4,700 -> 6,700 tokens/s). Then libgomp's own wait policy (spin ~3 ms, then sleep) is the fastest
  # (a 49k-parameter step: 27k -> 45k tokens/s against OMP_WAIT_POLICY=PASSIVE).
  # PERENNIAL_BLAS=bundled keeps the bundled one; its workers then stop spinning after 2^4 cycles instead of 2^28
  # (OPENBLAS_THREAD_TIMEOUT; 4,700 -> 5,600) and libtorch's sleep between parallel regions (OMP_WAIT_POLICY=PASSIVE:
  # spinning, they fought the bundled BLAS and the JVM's threads; 1,137 -> 829 ms a step).
  if [ "${PERENNIAL_BLAS:-auto}" != bundled ] && perennial_present "$perennial_openmp_blas"; then
    export LD_PRELOAD="$perennial_openmp_blas${LD_PRELOAD:+:$LD_PRELOAD}"
  else
    export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
  fi
  export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"

  # malloc: glibc's returns every large tensor to the kernel when it is freed and faults it in again at the next
  # step (23% of a small model's training time in the kernel, clearing pages). gperftools' tcmalloc
  # (libtcmalloc-minimal4) keeps them: preloaded when installed (6,600 -> 8,600 tokens/s on the 1.8M shape).
  # PERENNIAL_MALLOC=system keeps glibc's. Its report of allocations over 1 GiB on stderr is turned off.
  if [ "${PERENNIAL_MALLOC:-auto}" != system ] && perennial_present "$perennial_tcmalloc"; then
    export LD_PRELOAD="$perennial_tcmalloc${LD_PRELOAD:+:$LD_PRELOAD}"
    export TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD="${TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD:-1099511627776}"
  fi
  # A preloaded library's thread-local storage comes out of every thread's stack; the JDK's process-reaper threads
  # have tiny stacks and overflowed (seen: waitFor() then hangs), so java runs with
  # -Djdk.lang.processReaperUseDefaultStackSize=true.
}
