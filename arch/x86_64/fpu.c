/* x87/SSE enable and the initial state; see fpu.h. */
#include "arch/x86_64/fpu.h"

#include "arch/x86_64/cpu.h"
#include "lib/string.h"

#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_TS (1ul << 3)
#define CR0_NE (1ul << 5)
#define CR4_OSFXSR (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)

/* Offsets in the fxsave area (Intel SDM vol. 1, table 10-2). */
#define FXSAVE_FCW 0
#define FXSAVE_MXCSR 24
#define FXSAVE_MXCSR_MASK 28
#define MXCSR_MASK_DEFAULT 0xffbf /* when the CPU reports 0 (Intel SDM vol. 1, 11.6.6) */

/* The MXCSR bits the CPUs support; each CPU writes the same value at start-up. */
static uint32_t mxcsr_mask = MXCSR_MASK_DEFAULT;

void fpu_init_cpu(void)
{
    write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    struct fpu_state st;
    fpu_save_live(&st);
    uint32_t mask;
    memcpy(&mask, &st.bytes[FXSAVE_MXCSR_MASK], sizeof(mask));
    if (mask)
        mxcsr_mask = mask;
}

void fpu_save_live(struct fpu_state *st)
{
    memset(st, 0, sizeof(*st));
    fpu_save(st);
}

bool fpu_user_state_ok(const struct fpu_state *st)
{
    uint32_t mxcsr;
    memcpy(&mxcsr, &st->bytes[FXSAVE_MXCSR], sizeof(mxcsr));
    return !(mxcsr & ~mxcsr_mask);
}

void fpu_load_initial(void)
{
    struct fpu_state st;
    fpu_state_init(&st);
    fpu_restore(&st);
}

void fpu_state_init(struct fpu_state *st)
{
    memset(st, 0, sizeof(*st));
    uint16_t fcw = 0x37f;     /* all x87 exceptions masked, 64-bit precision */
    uint32_t mxcsr = 0x1f80;  /* all SSE exceptions masked, round to nearest */
    memcpy(&st->bytes[FXSAVE_FCW], &fcw, sizeof(fcw));
    memcpy(&st->bytes[FXSAVE_MXCSR], &mxcsr, sizeof(mxcsr));
}
