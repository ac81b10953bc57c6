/*
 * A small fixed team of threads for running a network layer by layer.
 *
 * A plan has dozens of layers, some of them a few microseconds long (5×5 images), so handing each
 * layer to a thread pool would cost more than the layer. Instead every member runs the whole plan,
 * takes its share of each layer and meets the others at a barrier before the next one.
 *
 * Every wait spins for a short while (peers finish a layer within microseconds of each other) and then
 * sleeps on a condition variable. Sleeping, not yielding, matters when another process shares the
 * cores: a member that lost its core can only catch up if the waiting member's core goes idle, which
 * is what lets the scheduler move the late member there.
 */

#define _POSIX_C_SOURCE 200809L  // clock_gettime

#include <stdint.h>
#include "internal.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

enum {
    /// How long a member spins at a barrier before sleeping.
    BARRIER_SPIN_NANOSECONDS = 50 * 1000,
    /// How long a finished worker spins, waiting for a back-to-back run, before sleeping.
    IDLE_SPIN_NANOSECONDS = 200 * 1000,
};

struct csss_team {
    int size;
    pthread_t *threads;

    pthread_mutex_t mutex;
    /// Signalled when a run starts, the team stops, or a barrier opens.
    pthread_cond_t changed;
    /// Members sleeping on `changed`; signalling is skipped while there are none.
    atomic_int sleepers;

    /// Incremented to start a run; workers remember the last one they ran.
    atomic_uint generation;
    atomic_bool stopping;
    csss_team_work work;
    void *context;
    /// The next item `csss_team_claim` hands out in the current run.
    atomic_int next_item;

    atomic_int arrived;
    atomic_uint barrier_phase;
};

typedef struct worker_start {
    csss_team *team;
    int member;
} worker_start;

static uint64_t now_nanoseconds(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}

/// Waits until `*word` differs from `seen` or the team stops: spins for `spin_nanoseconds`, then sleeps.
static void wait_for_change(csss_team *team, atomic_uint *word, unsigned seen, uint64_t spin_nanoseconds) {
    const uint64_t deadline = now_nanoseconds() + spin_nanoseconds;
    for (unsigned spins = 1;; ++spins) {
        if (atomic_load_explicit(word, memory_order_acquire) != seen) {
            return;
        }
#if CSSS_X86
        _mm_pause();
#endif
        if (spins % 64 == 0 && now_nanoseconds() > deadline) {
            break;
        }
    }
    pthread_mutex_lock(&team->mutex);
    atomic_fetch_add(&team->sleepers, 1);
    // Whoever changes the word checks `sleepers` after the change; both are sequentially consistent, so
    // either this load sees the change or that one sees this sleeper and signals under the mutex.
    while (atomic_load(word) == seen && !atomic_load(&team->stopping)) {
        pthread_cond_wait(&team->changed, &team->mutex);
    }
    atomic_fetch_sub(&team->sleepers, 1);
    pthread_mutex_unlock(&team->mutex);
}

/// Wakes the members sleeping in `wait_for_change`, after a word they wait on changed.
static void wake_sleepers(csss_team *team) {
    if (atomic_load(&team->sleepers) > 0) {
        pthread_mutex_lock(&team->mutex);
        pthread_cond_broadcast(&team->changed);
        pthread_mutex_unlock(&team->mutex);
    }
}

static void *worker_main(void *argument) {
    const worker_start start = *(worker_start *)argument;
    free(argument);
    csss_team *team = start.team;
    unsigned seen = 0;
    for (;;) {
        wait_for_change(team, &team->generation, seen, IDLE_SPIN_NANOSECONDS);
        if (atomic_load(&team->stopping)) {
            return NULL;
        }
        seen = atomic_load_explicit(&team->generation, memory_order_acquire);
        team->work(team->context, start.member, team->size);
        csss_team_barrier(team);
    }
}

csss_team *csss_team_create(int size) {
    csss_team *team = calloc(1, sizeof *team);
    if (!team) {
        return NULL;
    }
    team->size = size < 1 ? 1 : size;
    team->threads = calloc((size_t)team->size, sizeof(pthread_t));
    if (!team->threads) {
        free(team);
        return NULL;
    }
    pthread_mutex_init(&team->mutex, NULL);
    pthread_cond_init(&team->changed, NULL);
    for (int member = 1; member < team->size; ++member) {
        worker_start *start = malloc(sizeof *start);
        if (start) {
            *start = (worker_start){team, member};
        }
        if (!start || pthread_create(&team->threads[member], NULL, worker_main, start) != 0) {
            free(start);
            team->size = member;
            csss_team_destroy(team);
            return NULL;
        }
    }
    return team;
}

int csss_team_size(const csss_team *team) { return team->size; }

void csss_team_run(csss_team *team, csss_team_work work, void *context) {
    atomic_store(&team->next_item, 0);
    if (team->size == 1) {
        work(context, 0, 1);
        return;
    }
    team->work = work;
    team->context = context;
    atomic_fetch_add(&team->generation, 1);
    wake_sleepers(team);
    work(context, 0, team->size);
    // Every worker meets this barrier after its work, so passing it means the run is over.
    csss_team_barrier(team);
}

int csss_team_claim(csss_team *team) { return atomic_fetch_add_explicit(&team->next_item, 1, memory_order_relaxed); }

void csss_team_barrier(csss_team *team) {
    if (team->size == 1) {
        return;
    }
    // Sense reversal: read the phase before arriving; the last to arrive resets the count and moves the
    // phase on, which releases everyone waiting for it to change.
    const unsigned phase = atomic_load_explicit(&team->barrier_phase, memory_order_acquire);
    if (atomic_fetch_add_explicit(&team->arrived, 1, memory_order_acq_rel) == team->size - 1) {
        atomic_store_explicit(&team->arrived, 0, memory_order_relaxed);
        atomic_fetch_add(&team->barrier_phase, 1);
        wake_sleepers(team);
        return;
    }
    wait_for_change(team, &team->barrier_phase, phase, BARRIER_SPIN_NANOSECONDS);
}

void csss_team_destroy(csss_team *team) {
    if (!team) {
        return;
    }
    pthread_mutex_lock(&team->mutex);
    atomic_store(&team->stopping, true);
    pthread_cond_broadcast(&team->changed);
    pthread_mutex_unlock(&team->mutex);
    for (int member = 1; member < team->size; ++member) {
        pthread_join(team->threads[member], NULL);
    }
    pthread_cond_destroy(&team->changed);
    pthread_mutex_destroy(&team->mutex);
    free(team->threads);
    free(team);
}
