/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Threads: pthread_create/join with return values, a mutex-protected
 * counter, a condition-variable producer/consumer queue, __thread (TLS)
 * variables that are distinct per thread, pthread_once, pthread keys,
 * and a barrier.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "tcg-test.h"

#define NTHREADS 4
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static __thread long tls_var = 5;
static __thread char tls_buf[64];
static long tls_seen[NTHREADS];
static long tid_seen[NTHREADS];

static void *worker(void *arg)
{
    long idx = (long)arg;

    tls_var += idx * 100;
    for (int i = 0; i < 64; i++) {
        tls_buf[i] = (char)idx;
    }
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    int sum = 0;
    for (int i = 0; i < 64; i++) {
        sum += tls_buf[i];
    }
    tls_seen[idx] = tls_var * 1000 + sum;
    tid_seen[idx] = syscall(SYS_gettid);
    return (void *)(idx * 11);
}

/* Producer/consumer through a bounded queue. */
#define QSIZE 8
#define NITEMS 5000
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qnotempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t qnotfull = PTHREAD_COND_INITIALIZER;
static int queue[QSIZE], qhead, qcount;

static void *producer(void *arg)
{
    for (int i = 1; i <= NITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qcount == QSIZE) {
            pthread_cond_wait(&qnotfull, &qlock);
        }
        queue[(qhead + qcount) % QSIZE] = i;
        qcount++;
        pthread_cond_signal(&qnotempty);
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long sum = 0;
    int last = 0, ordered = 1;

    for (int i = 1; i <= NITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qcount == 0) {
            pthread_cond_wait(&qnotempty, &qlock);
        }
        int v = queue[qhead];
        qhead = (qhead + 1) % QSIZE;
        qcount--;
        pthread_cond_signal(&qnotfull);
        pthread_mutex_unlock(&qlock);
        ordered &= v == last + 1;
        last = v;
        sum += v;
    }
    return (void *)(sum * 2 + ordered);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_key_t key;
static int key_dtor_runs;
static pthread_barrier_t barrier;
static int serial_count;

static void once_fn(void)
{
    once_runs++;
}

static void key_dtor(void *p)
{
    __atomic_fetch_add(&key_dtor_runs, 1, __ATOMIC_SEQ_CST);
}

static void *misc_worker(void *arg)
{
    pthread_once(&once, once_fn);
    pthread_setspecific(key, arg);
    void *back = pthread_getspecific(key);
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) {
        __atomic_fetch_add(&serial_count, 1, __ATOMIC_SEQ_CST);
    }
    return back;
}

int main(int argc, char **argv)
{
    pthread_t th[NTHREADS];
    int bad;

    for (long i = 0; i < NTHREADS; i++) {
        check_u64("pthread_create", pthread_create(&th[i], NULL, worker,
                  (void *)i), 0);
    }
    bad = 0;
    for (long i = 0; i < NTHREADS; i++) {
        void *ret;
        bad += pthread_join(th[i], &ret) != 0;
        bad += (long)ret != i * 11;
    }
    check_u64("pthread_join return values", bad, 0);
    check_u64("mutex counter", counter, (long)NTHREADS * ITERS);
    bad = 0;
    for (long i = 0; i < NTHREADS; i++) {
        bad += tls_seen[i] != (5 + i * 100) * 1000 + 64 * i;
        for (long j = 0; j < i; j++) {
            bad += tid_seen[i] == tid_seen[j];
        }
        bad += tid_seen[i] == getpid();
    }
    check_u64("TLS values per thread, distinct tids", bad, 0);
    check_u64("main thread TLS untouched", tls_var, 5);

    pthread_t p, c;
    void *cret;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, &cret);
    check_u64("condvar queue: sum and order",
              (long)cret, (long)NITEMS * (NITEMS + 1) + 1);

    pthread_key_create(&key, key_dtor);
    pthread_barrier_init(&barrier, NULL, NTHREADS);
    bad = 0;
    for (long i = 0; i < NTHREADS; i++) {
        pthread_create(&th[i], NULL, misc_worker, (void *)(i + 1));
    }
    for (long i = 0; i < NTHREADS; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        bad += (long)ret != i + 1;
    }
    check_u64("pthread keys per thread", bad, 0);
    check_u64("key destructors ran", key_dtor_runs, NTHREADS);
    check_u64("pthread_once ran once", once_runs, 1);
    check_u64("barrier: one serial thread", serial_count, 1);
    return t_done();
}
