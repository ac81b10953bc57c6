/*
 * A small fixed team of threads for running a network layer by layer.
 *
 * A plan has dozens of layers, some of them a few microseconds long (5×5 images), so handing each
 * layer to a thread pool would cost more than the layer. Instead every member runs the whole plan,
 * takes its share of each layer and meets the others at a barrier before the next one. The barrier
 * spins (a layer ends within microseconds of its peers) and yields the CPU after a while, so a member
 * that lost its core to another process is not starved by the spinning ones. Between runs the
 * threads spin briefly for back-to-back calls, then sleep on a condition variable.
 */

#include "internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

enum {
    /// Pause-loop iterations at a barrier before yielding the CPU: some tens of microseconds.
    BARRIER_SPINS = 20000,
    /// Pause-loop iterations a finished member waits for the next run before going to sleep.
    IDLE_SPINS = 200000,
};

struct csss_team {
    int size;
    pthread_t *threads;

    pthread_mutex_t mutex;
    pthread_cond_t wake;
    /// Incremented to start a run; workers remember the last one they ran.
    atomic_uint generation;
    bool stopping;
    csss_team_work work;
    void *context;
    /// Workers (not the caller) that finished the current run.
    atomic_int finished;

    atomic_int arrived;
    atomic_uint barrier_phase;
};

typedef struct worker_start {
    csss_team *team;
    int member;
} worker_start;

/// Tells the core this thread is spinning (freeing resources for a sibling hyperthread).
static inline void pause_once(void) {
#if CSSS_X86
    _mm_pause();
#endif
}

static inline void relax(unsigned *spins, unsigned limit) {
    if (++*spins < limit) {
        pause_once();
    } else {
        sched_yield();
    }
}

static void *worker_main(void *argument) {
    worker_start start = *(worker_start *)argument;
    free(argument);
    csss_team *team = start.team;
    unsigned seen = 0;
    for (;;) {
        unsigned spins = 0;
        while (atomic_load_explicit(&team->generation, memory_order_acquire) == seen && spins < IDLE_SPINS) {
            ++spins;
            pause_once();
        }
        pthread_mutex_lock(&team->mutex);
        while (atomic_load_explicit(&team->generation, memory_order_acquire) == seen && !team->stopping) {
            pthread_cond_wait(&team->wake, &team->mutex);
        }
        const bool stopping = team->stopping;
        pthread_mutex_unlock(&team->mutex);
        if (stopping) {
            return NULL;
        }
        seen = atomic_load_explicit(&team->generation, memory_order_acquire);
        team->work(team->context, start.member, team->size);
        atomic_fetch_add_explicit(&team->finished, 1, memory_order_release);
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
    pthread_cond_init(&team->wake, NULL);
    for (int member = 1; member < team->size; ++member) {
        worker_start *start = malloc(sizeof *start);
        if (!start) {
            team->size = member;
            csss_team_destroy(team);
            return NULL;
        }
        *start = (worker_start){team, member};
        if (pthread_create(&team->threads[member], NULL, worker_main, start) != 0) {
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
    if (team->size == 1) {
        work(context, 0, 1);
        return;
    }
    atomic_store_explicit(&team->finished, 0, memory_order_relaxed);
    pthread_mutex_lock(&team->mutex);
    team->work = work;
    team->context = context;
    atomic_fetch_add_explicit(&team->generation, 1, memory_order_release);
    pthread_cond_broadcast(&team->wake);
    pthread_mutex_unlock(&team->mutex);

    work(context, 0, team->size);

    unsigned spins = 0;
    while (atomic_load_explicit(&team->finished, memory_order_acquire) < team->size - 1) {
        relax(&spins, BARRIER_SPINS);
    }
}

void csss_team_barrier(csss_team *team) {
    if (team->size == 1) {
        return;
    }
    // Sense reversal: read the phase before arriving; the last to arrive resets the count and moves the
    // phase on, which releases everyone waiting for it to change.
    const unsigned phase = atomic_load_explicit(&team->barrier_phase, memory_order_acquire);
    if (atomic_fetch_add_explicit(&team->arrived, 1, memory_order_acq_rel) == team->size - 1) {
        atomic_store_explicit(&team->arrived, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&team->barrier_phase, 1, memory_order_release);
        return;
    }
    unsigned spins = 0;
    while (atomic_load_explicit(&team->barrier_phase, memory_order_acquire) == phase) {
        relax(&spins, BARRIER_SPINS);
    }
}

void csss_team_destroy(csss_team *team) {
    if (!team) {
        return;
    }
    pthread_mutex_lock(&team->mutex);
    team->stopping = true;
    pthread_cond_broadcast(&team->wake);
    pthread_mutex_unlock(&team->mutex);
    for (int member = 1; member < team->size; ++member) {
        pthread_join(team->threads[member], NULL);
    }
    pthread_cond_destroy(&team->wake);
    pthread_mutex_destroy(&team->mutex);
    free(team->threads);
    free(team);
}
