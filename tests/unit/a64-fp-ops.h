/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operations test-a64-fp checks, shared by the AArch64 reference
 * generator (a64-fp-gen.c) and the unit test: X(name, input class,
 * arity, template, A64 instruction).  Edit here, then re-run
 * a64-fp-gen.py.  Ternary ops take (a, b, c) = (Sn, Sm, Sa).
 */
#define A64_FP_OPS(X) \
    X(fadd_s, IN_S, 2, T_FF, "fadd s0, s1, s2") \
    X(fsub_s, IN_S, 2, T_FF, "fsub s0, s1, s2") \
    X(fmul_s, IN_S, 2, T_FF, "fmul s0, s1, s2") \
    X(fdiv_s, IN_S, 2, T_FF, "fdiv s0, s1, s2") \
    X(fnmul_s, IN_S, 2, T_FF, "fnmul s0, s1, s2") \
    X(fmax_s, IN_S, 2, T_FF, "fmax s0, s1, s2") \
    X(fmin_s, IN_S, 2, T_FF, "fmin s0, s1, s2") \
    X(fmaxnm_s, IN_S, 2, T_FF, "fmaxnm s0, s1, s2") \
    X(fminnm_s, IN_S, 2, T_FF, "fminnm s0, s1, s2") \
    X(fmulx_s, IN_S, 2, T_FF, "fmulx s0, s1, s2") \
    X(frecps_s, IN_S, 2, T_FF, "frecps s0, s1, s2") \
    X(frsqrts_s, IN_S, 2, T_FF, "frsqrts s0, s1, s2") \
    X(fsqrt_s, IN_S, 1, T_FF, "fsqrt s0, s1") \
    X(frecpe_s, IN_S, 1, T_FF, "frecpe s0, s1") \
    X(frsqrte_s, IN_S, 1, T_FF, "frsqrte s0, s1") \
    X(frecpx_s, IN_S, 1, T_FF, "frecpx s0, s1") \
    X(frintn_s, IN_S, 1, T_FF, "frintn s0, s1") \
    X(frinta_s, IN_S, 1, T_FF, "frinta s0, s1") \
    X(frintp_s, IN_S, 1, T_FF, "frintp s0, s1") \
    X(frintm_s, IN_S, 1, T_FF, "frintm s0, s1") \
    X(frintz_s, IN_S, 1, T_FF, "frintz s0, s1") \
    X(frintx_s, IN_S, 1, T_FF, "frintx s0, s1") \
    X(frinti_s, IN_S, 1, T_FF, "frinti s0, s1") \
    X(fabs_s, IN_S, 1, T_FF, "fabs s0, s1") \
    X(fneg_s, IN_S, 1, T_FF, "fneg s0, s1") \
    X(fmadd_s, IN_S, 3, T_FF, "fmadd s0, s1, s2, s3") \
    X(fmsub_s, IN_S, 3, T_FF, "fmsub s0, s1, s2, s3") \
    X(fnmadd_s, IN_S, 3, T_FF, "fnmadd s0, s1, s2, s3") \
    X(fnmsub_s, IN_S, 3, T_FF, "fnmsub s0, s1, s2, s3") \
    X(fcmp_s, IN_S, 2, T_CMP, "fcmp s1, s2") \
    X(fcmpe_s, IN_S, 2, T_CMP, "fcmpe s1, s2") \
    X(fcmpz_s, IN_S, 1, T_CMP, "fcmp s1, #0.0") \
    X(fcmeq_s, IN_S, 2, T_FF, "fcmeq s0, s1, s2") \
    X(fcmge_s, IN_S, 2, T_FF, "fcmge s0, s1, s2") \
    X(fcmgt_s, IN_S, 2, T_FF, "fcmgt s0, s1, s2") \
    X(fcvtzs_ws, IN_S, 1, T_FI, "fcvtzs w9, s1") \
    X(fcvtzs_xs, IN_S, 1, T_FI, "fcvtzs x9, s1") \
    X(fcvtzu_ws, IN_S, 1, T_FI, "fcvtzu w9, s1") \
    X(fcvtzu_xs, IN_S, 1, T_FI, "fcvtzu x9, s1") \
    X(fcvtns_ws, IN_S, 1, T_FI, "fcvtns w9, s1") \
    X(fcvtns_xs, IN_S, 1, T_FI, "fcvtns x9, s1") \
    X(fcvtnu_ws, IN_S, 1, T_FI, "fcvtnu w9, s1") \
    X(fcvtnu_xs, IN_S, 1, T_FI, "fcvtnu x9, s1") \
    X(fcvtas_ws, IN_S, 1, T_FI, "fcvtas w9, s1") \
    X(fcvtas_xs, IN_S, 1, T_FI, "fcvtas x9, s1") \
    X(fcvtau_ws, IN_S, 1, T_FI, "fcvtau w9, s1") \
    X(fcvtau_xs, IN_S, 1, T_FI, "fcvtau x9, s1") \
    X(fcvtps_ws, IN_S, 1, T_FI, "fcvtps w9, s1") \
    X(fcvtps_xs, IN_S, 1, T_FI, "fcvtps x9, s1") \
    X(fcvtpu_ws, IN_S, 1, T_FI, "fcvtpu w9, s1") \
    X(fcvtpu_xs, IN_S, 1, T_FI, "fcvtpu x9, s1") \
    X(fcvtms_ws, IN_S, 1, T_FI, "fcvtms w9, s1") \
    X(fcvtms_xs, IN_S, 1, T_FI, "fcvtms x9, s1") \
    X(fcvtmu_ws, IN_S, 1, T_FI, "fcvtmu w9, s1") \
    X(fcvtmu_xs, IN_S, 1, T_FI, "fcvtmu x9, s1") \
    X(fcvtzs_ws_1, IN_S, 1, T_FI, "fcvtzs w9, s1, #1") \
    X(fcvtzs_ws_17, IN_S, 1, T_FI, "fcvtzs w9, s1, #17") \
    X(fcvtzs_ws_32, IN_S, 1, T_FI, "fcvtzs w9, s1, #32") \
    X(fcvtzs_xs_1, IN_S, 1, T_FI, "fcvtzs x9, s1, #1") \
    X(fcvtzs_xs_33, IN_S, 1, T_FI, "fcvtzs x9, s1, #33") \
    X(fcvtzs_xs_64, IN_S, 1, T_FI, "fcvtzs x9, s1, #64") \
    X(fcvtzu_ws_1, IN_S, 1, T_FI, "fcvtzu w9, s1, #1") \
    X(fcvtzu_ws_17, IN_S, 1, T_FI, "fcvtzu w9, s1, #17") \
    X(fcvtzu_ws_32, IN_S, 1, T_FI, "fcvtzu w9, s1, #32") \
    X(fcvtzu_xs_1, IN_S, 1, T_FI, "fcvtzu x9, s1, #1") \
    X(fcvtzu_xs_33, IN_S, 1, T_FI, "fcvtzu x9, s1, #33") \
    X(fcvtzu_xs_64, IN_S, 1, T_FI, "fcvtzu x9, s1, #64") \
    X(scvtf_sw, IN_I, 1, T_IF, "scvtf s0, w9") \
    X(scvtf_sw_1, IN_I, 1, T_IF, "scvtf s0, w9, #1") \
    X(scvtf_sw_17, IN_I, 1, T_IF, "scvtf s0, w9, #17") \
    X(scvtf_sw_32, IN_I, 1, T_IF, "scvtf s0, w9, #32") \
    X(scvtf_sx, IN_I, 1, T_IF, "scvtf s0, x9") \
    X(scvtf_sx_1, IN_I, 1, T_IF, "scvtf s0, x9, #1") \
    X(scvtf_sx_33, IN_I, 1, T_IF, "scvtf s0, x9, #33") \
    X(scvtf_sx_64, IN_I, 1, T_IF, "scvtf s0, x9, #64") \
    X(ucvtf_sw, IN_I, 1, T_IF, "ucvtf s0, w9") \
    X(ucvtf_sw_1, IN_I, 1, T_IF, "ucvtf s0, w9, #1") \
    X(ucvtf_sw_17, IN_I, 1, T_IF, "ucvtf s0, w9, #17") \
    X(ucvtf_sw_32, IN_I, 1, T_IF, "ucvtf s0, w9, #32") \
    X(ucvtf_sx, IN_I, 1, T_IF, "ucvtf s0, x9") \
    X(ucvtf_sx_1, IN_I, 1, T_IF, "ucvtf s0, x9, #1") \
    X(ucvtf_sx_33, IN_I, 1, T_IF, "ucvtf s0, x9, #33") \
    X(ucvtf_sx_64, IN_I, 1, T_IF, "ucvtf s0, x9, #64") \
    X(fadd_d, IN_D, 2, T_FF, "fadd d0, d1, d2") \
    X(fsub_d, IN_D, 2, T_FF, "fsub d0, d1, d2") \
    X(fmul_d, IN_D, 2, T_FF, "fmul d0, d1, d2") \
    X(fdiv_d, IN_D, 2, T_FF, "fdiv d0, d1, d2") \
    X(fnmul_d, IN_D, 2, T_FF, "fnmul d0, d1, d2") \
    X(fmax_d, IN_D, 2, T_FF, "fmax d0, d1, d2") \
    X(fmin_d, IN_D, 2, T_FF, "fmin d0, d1, d2") \
    X(fmaxnm_d, IN_D, 2, T_FF, "fmaxnm d0, d1, d2") \
    X(fminnm_d, IN_D, 2, T_FF, "fminnm d0, d1, d2") \
    X(fmulx_d, IN_D, 2, T_FF, "fmulx d0, d1, d2") \
    X(frecps_d, IN_D, 2, T_FF, "frecps d0, d1, d2") \
    X(frsqrts_d, IN_D, 2, T_FF, "frsqrts d0, d1, d2") \
    X(fsqrt_d, IN_D, 1, T_FF, "fsqrt d0, d1") \
    X(frecpe_d, IN_D, 1, T_FF, "frecpe d0, d1") \
    X(frsqrte_d, IN_D, 1, T_FF, "frsqrte d0, d1") \
    X(frecpx_d, IN_D, 1, T_FF, "frecpx d0, d1") \
    X(frintn_d, IN_D, 1, T_FF, "frintn d0, d1") \
    X(frinta_d, IN_D, 1, T_FF, "frinta d0, d1") \
    X(frintp_d, IN_D, 1, T_FF, "frintp d0, d1") \
    X(frintm_d, IN_D, 1, T_FF, "frintm d0, d1") \
    X(frintz_d, IN_D, 1, T_FF, "frintz d0, d1") \
    X(frintx_d, IN_D, 1, T_FF, "frintx d0, d1") \
    X(frinti_d, IN_D, 1, T_FF, "frinti d0, d1") \
    X(fabs_d, IN_D, 1, T_FF, "fabs d0, d1") \
    X(fneg_d, IN_D, 1, T_FF, "fneg d0, d1") \
    X(fmadd_d, IN_D, 3, T_FF, "fmadd d0, d1, d2, d3") \
    X(fmsub_d, IN_D, 3, T_FF, "fmsub d0, d1, d2, d3") \
    X(fnmadd_d, IN_D, 3, T_FF, "fnmadd d0, d1, d2, d3") \
    X(fnmsub_d, IN_D, 3, T_FF, "fnmsub d0, d1, d2, d3") \
    X(fcmp_d, IN_D, 2, T_CMP, "fcmp d1, d2") \
    X(fcmpe_d, IN_D, 2, T_CMP, "fcmpe d1, d2") \
    X(fcmpz_d, IN_D, 1, T_CMP, "fcmp d1, #0.0") \
    X(fcmeq_d, IN_D, 2, T_FF, "fcmeq d0, d1, d2") \
    X(fcmge_d, IN_D, 2, T_FF, "fcmge d0, d1, d2") \
    X(fcmgt_d, IN_D, 2, T_FF, "fcmgt d0, d1, d2") \
    X(fcvtzs_wd, IN_D, 1, T_FI, "fcvtzs w9, d1") \
    X(fcvtzs_xd, IN_D, 1, T_FI, "fcvtzs x9, d1") \
    X(fcvtzu_wd, IN_D, 1, T_FI, "fcvtzu w9, d1") \
    X(fcvtzu_xd, IN_D, 1, T_FI, "fcvtzu x9, d1") \
    X(fcvtns_wd, IN_D, 1, T_FI, "fcvtns w9, d1") \
    X(fcvtns_xd, IN_D, 1, T_FI, "fcvtns x9, d1") \
    X(fcvtnu_wd, IN_D, 1, T_FI, "fcvtnu w9, d1") \
    X(fcvtnu_xd, IN_D, 1, T_FI, "fcvtnu x9, d1") \
    X(fcvtas_wd, IN_D, 1, T_FI, "fcvtas w9, d1") \
    X(fcvtas_xd, IN_D, 1, T_FI, "fcvtas x9, d1") \
    X(fcvtau_wd, IN_D, 1, T_FI, "fcvtau w9, d1") \
    X(fcvtau_xd, IN_D, 1, T_FI, "fcvtau x9, d1") \
    X(fcvtps_wd, IN_D, 1, T_FI, "fcvtps w9, d1") \
    X(fcvtps_xd, IN_D, 1, T_FI, "fcvtps x9, d1") \
    X(fcvtpu_wd, IN_D, 1, T_FI, "fcvtpu w9, d1") \
    X(fcvtpu_xd, IN_D, 1, T_FI, "fcvtpu x9, d1") \
    X(fcvtms_wd, IN_D, 1, T_FI, "fcvtms w9, d1") \
    X(fcvtms_xd, IN_D, 1, T_FI, "fcvtms x9, d1") \
    X(fcvtmu_wd, IN_D, 1, T_FI, "fcvtmu w9, d1") \
    X(fcvtmu_xd, IN_D, 1, T_FI, "fcvtmu x9, d1") \
    X(fcvtzs_wd_1, IN_D, 1, T_FI, "fcvtzs w9, d1, #1") \
    X(fcvtzs_wd_17, IN_D, 1, T_FI, "fcvtzs w9, d1, #17") \
    X(fcvtzs_wd_32, IN_D, 1, T_FI, "fcvtzs w9, d1, #32") \
    X(fcvtzs_xd_1, IN_D, 1, T_FI, "fcvtzs x9, d1, #1") \
    X(fcvtzs_xd_33, IN_D, 1, T_FI, "fcvtzs x9, d1, #33") \
    X(fcvtzs_xd_64, IN_D, 1, T_FI, "fcvtzs x9, d1, #64") \
    X(fcvtzu_wd_1, IN_D, 1, T_FI, "fcvtzu w9, d1, #1") \
    X(fcvtzu_wd_17, IN_D, 1, T_FI, "fcvtzu w9, d1, #17") \
    X(fcvtzu_wd_32, IN_D, 1, T_FI, "fcvtzu w9, d1, #32") \
    X(fcvtzu_xd_1, IN_D, 1, T_FI, "fcvtzu x9, d1, #1") \
    X(fcvtzu_xd_33, IN_D, 1, T_FI, "fcvtzu x9, d1, #33") \
    X(fcvtzu_xd_64, IN_D, 1, T_FI, "fcvtzu x9, d1, #64") \
    X(scvtf_dw, IN_I, 1, T_IF, "scvtf d0, w9") \
    X(scvtf_dw_1, IN_I, 1, T_IF, "scvtf d0, w9, #1") \
    X(scvtf_dw_17, IN_I, 1, T_IF, "scvtf d0, w9, #17") \
    X(scvtf_dw_32, IN_I, 1, T_IF, "scvtf d0, w9, #32") \
    X(scvtf_dx, IN_I, 1, T_IF, "scvtf d0, x9") \
    X(scvtf_dx_1, IN_I, 1, T_IF, "scvtf d0, x9, #1") \
    X(scvtf_dx_33, IN_I, 1, T_IF, "scvtf d0, x9, #33") \
    X(scvtf_dx_64, IN_I, 1, T_IF, "scvtf d0, x9, #64") \
    X(ucvtf_dw, IN_I, 1, T_IF, "ucvtf d0, w9") \
    X(ucvtf_dw_1, IN_I, 1, T_IF, "ucvtf d0, w9, #1") \
    X(ucvtf_dw_17, IN_I, 1, T_IF, "ucvtf d0, w9, #17") \
    X(ucvtf_dw_32, IN_I, 1, T_IF, "ucvtf d0, w9, #32") \
    X(ucvtf_dx, IN_I, 1, T_IF, "ucvtf d0, x9") \
    X(ucvtf_dx_1, IN_I, 1, T_IF, "ucvtf d0, x9, #1") \
    X(ucvtf_dx_33, IN_I, 1, T_IF, "ucvtf d0, x9, #33") \
    X(ucvtf_dx_64, IN_I, 1, T_IF, "ucvtf d0, x9, #64") \
    X(fcvt_ds, IN_S, 1, T_FF, "fcvt d0, s1") \
    X(fcvt_sd, IN_D, 1, T_FF, "fcvt s0, d1") \
    X(fcvt_hs, IN_S, 1, T_FF, "fcvt h0, s1") \
    X(fcvt_hd, IN_D, 1, T_FF, "fcvt h0, d1") \
    X(fcvt_sh, IN_H, 1, T_FF, "fcvt s0, h1") \
    X(fcvt_dh, IN_H, 1, T_FF, "fcvt d0, h1") \
    X(fcvtxn_sd, IN_D, 1, T_FF, "fcvtxn s0, d1") \
    X(urecpe, IN_I, 1, T_FF, "urecpe v0.2s, v1.2s") \
    X(ursqrte, IN_I, 1, T_FF, "ursqrte v0.2s, v1.2s") \

