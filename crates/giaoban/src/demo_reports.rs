//! The demo's plan targets and periodic reports, built from the seeds' figures.
//!
//! - Seed 004 (Cẩm Thủy, Q1/2023): the sown area is "101,2% kế hoạch" and the 09 new enterprises
//!   are "20% kế hoạch". The seed gives only the percentages: the targets (6.500 ha, 45
//!   enterprises) and the communes' shares are illustrative figures chosen so that giaoban computes
//!   exactly those percentages from the reports. Two communes are behind: one sent late, one not at
//!   all.
//! - Seed 001 (Kỳ Anh, Q1/2017): the district totals are the seed's own (5.466,32 ha of rice,
//!   1.101,4 ha of cassava, 09 seed-rice models, 371,6 t of catch worth 18,5 tỷ, trade and services
//!   294,98 tỉ, 3.089 people paid 122,072 tỷ); their split over the communes is illustrative.
//! - Seed 003 (Thạch Hà, Q1/2021): the district counts are the seed's (11 models, 4 cooperative
//!   groups, 125 km of corridors, 29,68 km of gravel road, 13 km of new road — "13lm" in the seed —,
//!   4,55 km of canals, 590 gardens, 1.000 m of fences, 16 km of planters, 16.850 m of shade trees;
//!   21 enterprises from the finance department); the split is illustrative.

use std::collections::BTreeMap;

use anyhow::Context;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::calendar::local_timestamp;
use giaoban_domain::indicator::{
    BUNDLED_CATALOG, Figure, IndicatorCode, PlanTarget, parse_catalog,
};
use giaoban_domain::period::Period;
use giaoban_domain::report::{
    EnteredValue, FormDefinition, FormInput, ReportForm, SectionKind, SubmissionAction,
};
use giaoban_domain::unit::{Unit, UnitId};
use giaoban_storage::Store;
use jiff::civil::{Date, date, time};
use serde_json::json;

/// Codes of the demo forms (the tests find them by these).
pub const COMMUNE_FORM: &str = "KTXH_QUY_XA";
pub const DEPARTMENT_FORM: &str = "KTXH_QUY_PHONG";

pub(crate) fn code(c: &str) -> IndicatorCode {
    IndicatorCode::parse(c).unwrap_or_else(|_| unreachable!("demo code {c}"))
}

/// Splits `total` (a figure written as the seed writes it) over `n` units in steps of `step`
/// (e.g. "0,01"), unevenly but deterministically; the parts add up to the total exactly.
fn split(total: &str, n: usize, step: &str) -> anyhow::Result<Vec<Figure>> {
    let total = Figure::parse(total).map_err(|e| anyhow::anyhow!("{total}: {e}"))?;
    let step = Figure::parse(step).map_err(|e| anyhow::anyhow!("{step}: {e}"))?;
    let steps = total.scaled() / step.scaled();
    let weights: Vec<i64> = (0..n as i64).map(|i| 4 + (i * 7) % 5).collect();
    let sum: i64 = weights.iter().sum();
    let mut parts: Vec<i64> = weights.iter().map(|w| steps * w / sum).collect();
    let rest = steps - parts.iter().sum::<i64>();
    if let Some(first) = parts.first_mut() {
        *first += rest;
    }
    Ok(parts
        .into_iter()
        .map(|p| Figure::from_scaled(p * step.scaled()))
        .collect())
}

pub(crate) fn fig(s: &str) -> anyhow::Result<Figure> {
    Figure::parse(s).map_err(|e| anyhow::anyhow!("{s}: {e}"))
}

fn communes_of(units: &[Unit], district: UnitId, on: Date) -> Vec<&Unit> {
    let mut v: Vec<&Unit> = units
        .iter()
        .filter(|u| {
            u.parent_id == Some(district) && u.kind.is_commune_level() && u.is_active_on(on)
        })
        .collect();
    v.sort_by_cached_key(|u| giaoban_vntext::normalize::ascii_key(&u.name));
    v
}

async fn unit(store: &Store, key: &str) -> anyhow::Result<Unit> {
    store
        .unit_by_key(key)
        .await?
        .with_context(|| format!("demo unit «{key}»"))
}

pub(crate) async fn form(
    store: &Store,
    actor: &AuditActor,
    input: serde_json::Value,
) -> anyhow::Result<ReportForm> {
    let catalog = store.indicators().await?;
    let input: FormInput = serde_json::from_value(input)?;
    let def = FormDefinition::parse(&input, &catalog).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(store.create_form(actor, &def).await?)
}

/// Saves a unit's report and sends it at `sent` (local time), accepting it when `accept`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn report(
    store: &Store,
    actor: &AuditActor,
    form: &ReportForm,
    unit: UnitId,
    period: Period,
    values: BTreeMap<IndicatorCode, EnteredValue>,
    narrative: BTreeMap<SectionKind, String>,
    sent: Option<(Date, (i8, i8))>,
    accept: bool,
) -> anyhow::Result<()> {
    let s = store
        .save_submission(actor, form, unit, period, &values, &narrative, None)
        .await?;
    let Some((day, (h, m))) = sent else {
        return Ok(());
    };
    let at = local_timestamp(day, time(h, m, 0, 0))?;
    let s = store
        .act_on_submission(actor, s.id, &SubmissionAction::Submit, s.version, at)
        .await?;
    if accept {
        let at = local_timestamp(
            day.checked_add(jiff::Span::new().days(1))?,
            time(9, 0, 0, 0),
        )?;
        store
            .act_on_submission(actor, s.id, &SubmissionAction::Accept, s.version, at)
            .await?;
    }
    Ok(())
}

async fn target(
    store: &Store,
    actor: &AuditActor,
    year: i16,
    unit: UnitId,
    code_: &str,
    value: &str,
    note: &str,
) -> anyhow::Result<()> {
    let ind = store
        .indicators()
        .await?
        .into_iter()
        .find(|i| i.code.as_str() == code_)
        .with_context(|| format!("indicator {code_}"))?;
    store
        .set_target(
            actor,
            &PlanTarget {
                year,
                unit_id: unit,
                indicator_id: ind.id,
                value: fig(value)?,
                note: Some(note.to_owned()),
            },
        )
        .await?;
    Ok(())
}

/// Loads the catalog, the two quarterly forms, targets and the seeds' reports. Returns how many
/// reports were made.
pub async fn ensure(store: &Store, actor: &AuditActor) -> anyhow::Result<usize> {
    let drafts = parse_catalog(BUNDLED_CATALOG).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    store.load_catalog(actor, &drafts).await?;
    let commune_form = form(
        store,
        actor,
        json!({
            "code": COMMUNE_FORM,
            "name_vi": "Báo cáo tình hình kinh tế - xã hội quý (cấp xã)",
            "name_en": "Quarterly socio-economic report (communes)",
            "period_kind": "quarter",
            "window_rule": "decree09",
            "submission_rule": {"rule": "working_days_after_window", "days": 2},
            "reporter_kinds": ["commune", "township", "ward"],
            "items": [
                {"code": "NN_GIEO_TRONG", "required": true}, {"code": "NN_LUA_GIEO_CAY"},
                {"code": "NN_LUA_THU_HOACH"}, {"code": "NN_SAN"}, {"code": "NN_MO_HINH_LUA_GIONG"},
                {"code": "NN_MO_HINH_SX"}, {"code": "TS_SAN_LUONG_KHAI_THAC"},
                {"code": "TS_GIA_TRI_KHAI_THAC"}, {"code": "TM_TONG_GIA_TRI"},
                {"code": "DN_THT_MOI"}, {"code": "GT_HANH_LANG_GIAI_TOA"},
                {"code": "GT_CAP_PHOI_NANG_CAP"}, {"code": "GT_DUONG_GTNT_MOI"},
                {"code": "TL_KENH_MUONG_NOI_DONG"}, {"code": "NN_VUON_HO_CAI_TAO"},
                {"code": "MT_HANG_RAO_CUNG_PHA_BO"}, {"code": "MT_HANG_RAO_XANH"},
                {"code": "MT_CAY_BONG_MAT"}, {"code": "NTM_LUOT_THAM_GIA"},
                {"code": "XH_DOI_TUONG_CHI_TRA"}, {"code": "XH_TIEN_CHI_TRA"},
                {"code": "LD_DAY_NGHE"}, {"code": "XH_HO_NGHEO"}, {"code": "XH_TONG_SO_HO"},
                {"code": "GHI_CHU_KHO_KHAN"}
            ],
            "rules": [
                {"left": "NN_LUA_THU_HOACH", "op": "<=", "right": {"indicator": "NN_LUA_GIEO_CAY"},
                 "message_vi": "Diện tích lúa thu hoạch không được lớn hơn diện tích lúa gieo cấy.",
                 "message_en": "The rice area harvested cannot exceed the rice area sown."},
                {"left": "NN_LUA_GIEO_CAY", "op": "<=", "right": {"indicator": "NN_GIEO_TRONG"},
                 "message_vi": "Diện tích lúa gieo cấy không được lớn hơn tổng diện tích gieo trồng.",
                 "message_en": "The rice area cannot exceed the total sown area."},
                {"left": "XH_HO_NGHEO", "op": "<=", "right": {"indicator": "XH_TONG_SO_HO"},
                 "message_vi": "Số hộ nghèo không được lớn hơn tổng số hộ.",
                 "message_en": "Poor households cannot outnumber households."}
            ],
            "reminder_days": [3, 1]
        }),
    )
    .await?;
    let dept_form = form(
        store,
        actor,
        json!({
            "code": DEPARTMENT_FORM,
            "name_vi": "Báo cáo quý của phòng, ban chuyên môn",
            "name_en": "Quarterly report of the departments",
            "period_kind": "quarter",
            "window_rule": "decree09",
            "submission_rule": {"rule": "working_days_after_window", "days": 2},
            "reporter_kinds": ["department"],
            "items": [{"code": "DN_THANH_LAP_MOI"}, {"code": "TM_XUAT_KHAU"}, {"code": "NS_THU_NOI_DIA"}],
            "sections": ["results", "shortcomings", "next_tasks"],
            "reminder_days": [3, 1]
        }),
    )
    .await?;
    let units = store.units().await?;
    let mut made = 0;

    // ---- Seed 004: Cẩm Thủy, Q1/2023 ----
    let district = unit(store, "cam-thuy").await?;
    let q1 = Period::quarter(2023, 1)?;
    let q1_2022 = Period::quarter(2022, 1)?;
    target(
        store,
        actor,
        2023,
        district.id,
        "NN_GIEO_TRONG",
        "6.500",
        "Kế hoạch gieo trồng vụ Đông Xuân 2023 (số minh họa)",
    )
    .await?;
    target(
        store,
        actor,
        2023,
        district.id,
        "DN_THANH_LAP_MOI",
        "45",
        "Kế hoạch thành lập mới doanh nghiệp năm 2023 (số minh họa)",
    )
    .await?;
    target(
        store,
        actor,
        2023,
        district.id,
        "TM_XUAT_KHAU",
        "12,5",
        "Kế hoạch xuất khẩu năm 2023 (số minh họa)",
    )
    .await?;
    let communes = communes_of(&units, district.id, date(2023, 3, 14));
    anyhow::ensure!(
        communes.len() >= 4,
        "Cẩm Thủy has {} communes",
        communes.len()
    );
    // The last commune does not report; the one before it reports late: the other shares make
    // 6.578 ha = 101,2% of 6.500.
    let reporting = communes.len() - 1;
    let sown = split("6.578", reporting, "0,01")?;
    let sown_2022 = split("6.380", communes.len(), "0,01")?;
    for (i, c) in communes.iter().enumerate() {
        // Q1/2022, the same period last year: every commune, on time (for "tăng 3,1% so với cùng kỳ").
        let last = BTreeMap::from([(code("NN_GIEO_TRONG"), EnteredValue::Figure(sown_2022[i]))]);
        report(
            store,
            actor,
            &commune_form,
            c.id,
            q1_2022,
            last,
            BTreeMap::new(),
            Some((date(2022, 3, 15), (10, 0))),
            true,
        )
        .await?;
        made += 1;
        if i == reporting {
            continue; // missing for Q1/2023
        }
        let rice = Figure::from_scaled(sown[i].scaled() * 6 / 10 / 100 * 100);
        let values = BTreeMap::from([
            (code("NN_GIEO_TRONG"), EnteredValue::Figure(sown[i])),
            (code("NN_LUA_GIEO_CAY"), EnteredValue::Figure(rice)),
        ]);
        let mut narrative = BTreeMap::new();
        if i == 0 {
            narrative.insert(
                SectionKind::Recommendations,
                "Đề nghị huyện hỗ trợ kinh phí nạo vét kênh mương nội đồng phục vụ sản xuất vụ Chiêm Xuân.".to_owned(),
            );
        }
        // Due 16/03/2023 (two working days after the 14/03 cut-off): one commune sends on 20/03.
        let late = i + 1 == reporting;
        let sent = if late {
            date(2023, 3, 20)
        } else {
            date(2023, 3, 15)
        };
        report(
            store,
            actor,
            &commune_form,
            c.id,
            q1,
            values,
            narrative,
            Some((sent, (14, 30))),
            !late,
        )
        .await?;
        made += 1;
    }
    let tckh = unit(store, "cam-thuy-tckh").await?;
    let dept = BTreeMap::from([
        (code("DN_THANH_LAP_MOI"), EnteredValue::Figure(fig("09")?)),
        (code("TM_XUAT_KHAU"), EnteredValue::Figure(fig("3,05")?)),
    ]);
    let narrative = BTreeMap::from([(
        SectionKind::Results,
        "Thành lập mới 09 doanh nghiệp; giá trị xuất khẩu ước đạt 3,05 triệu USD.".to_owned(),
    )]);
    report(
        store,
        actor,
        &dept_form,
        tckh.id,
        q1,
        dept,
        narrative,
        Some((date(2023, 3, 16), (9, 0))),
        true,
    )
    .await?;
    made += 1;

    // ---- Seed 001: Kỳ Anh, Q1/2017 ----
    let ky_anh = unit(store, "ky-anh").await?;
    let q1_2017 = Period::quarter(2017, 1)?;
    let communes = communes_of(&units, ky_anh.id, date(2017, 3, 14));
    anyhow::ensure!(!communes.is_empty(), "Kỳ Anh communes");
    let n = communes.len();
    let columns: [(&str, &str, &str); 10] = [
        ("NN_GIEO_TRONG", "7.012,5", "0,01"),
        ("NN_LUA_GIEO_CAY", "5.466,32", "0,01"),
        ("NN_SAN", "1.101,4", "0,1"),
        ("NN_MO_HINH_LUA_GIONG", "9", "1"),
        ("TS_SAN_LUONG_KHAI_THAC", "371,6", "0,1"),
        ("TS_GIA_TRI_KHAI_THAC", "18,5", "0,1"),
        ("TM_TONG_GIA_TRI", "294,98", "0,01"),
        ("XH_DOI_TUONG_CHI_TRA", "3.089", "1"),
        ("XH_TIEN_CHI_TRA", "122,072", "0,001"),
        ("LD_DAY_NGHE", "1.024", "1"),
    ];
    let mut shares = Vec::new();
    for (c, total, step) in columns {
        shares.push((c, split(total, n, step)?));
    }
    for (i, c) in communes.iter().enumerate() {
        let values = shares
            .iter()
            .map(|(k, parts)| (code(k), EnteredValue::Figure(parts[i])))
            .collect();
        report(
            store,
            actor,
            &commune_form,
            c.id,
            q1_2017,
            values,
            BTreeMap::new(),
            Some((date(2017, 3, 15), (16, 0))),
            true,
        )
        .await?;
        made += 1;
    }

    // ---- Seed 003: Thạch Hà, Q1/2021 ----
    let thach_ha = unit(store, "thach-ha").await?;
    let q1_2021 = Period::quarter(2021, 1)?;
    let communes = communes_of(&units, thach_ha.id, date(2021, 3, 14));
    anyhow::ensure!(!communes.is_empty(), "Thạch Hà communes");
    let n = communes.len();
    let columns: [(&str, &str, &str); 11] = [
        ("NN_GIEO_TRONG", "9.850", "0,01"),
        ("NN_MO_HINH_SX", "11", "1"),
        ("DN_THT_MOI", "4", "1"),
        ("GT_HANH_LANG_GIAI_TOA", "125", "0,01"),
        ("GT_CAP_PHOI_NANG_CAP", "29,68", "0,01"),
        ("GT_DUONG_GTNT_MOI", "13", "0,01"),
        ("TL_KENH_MUONG_NOI_DONG", "4,55", "0,01"),
        ("NN_VUON_HO_CAI_TAO", "590", "1"),
        ("MT_HANG_RAO_CUNG_PHA_BO", "1.000", "1"),
        ("MT_HANG_RAO_XANH", "16", "0,01"),
        ("MT_CAY_BONG_MAT", "16.850", "1"),
    ];
    let mut shares = Vec::new();
    for (c, total, step) in columns {
        shares.push((c, split(total, n, step)?));
    }
    for (i, c) in communes.iter().enumerate() {
        let mut values: BTreeMap<IndicatorCode, EnteredValue> = shares
            .iter()
            .map(|(k, parts)| (code(k), EnteredValue::Figure(parts[i])))
            .collect();
        if giaoban_vntext::normalize::ascii_key(&c.name).contains("thi tran thach ha") {
            values.insert(
                code("NTM_LUOT_THAM_GIA"),
                EnteredValue::Figure(fig("1.680")?),
            );
        }
        report(
            store,
            actor,
            &commune_form,
            c.id,
            q1_2021,
            values,
            BTreeMap::new(),
            Some((date(2021, 3, 16), (8, 30))),
            true,
        )
        .await?;
        made += 1;
    }
    if let Ok(th_tckh) = unit(store, "thach-ha-tckh").await {
        let values = BTreeMap::from([(code("DN_THANH_LAP_MOI"), EnteredValue::Figure(fig("21")?))]);
        report(
            store,
            actor,
            &dept_form,
            th_tckh.id,
            q1_2021,
            values,
            BTreeMap::new(),
            Some((date(2021, 3, 16), (9, 0))),
            true,
        )
        .await?;
        made += 1;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_add_up_exactly() {
        for (total, n, step) in [
            ("6.578", 17, "0,01"),
            ("122,072", 20, "0,001"),
            ("9", 20, "1"),
        ] {
            let parts = split(total, n, step).unwrap();
            assert_eq!(parts.len(), n);
            let sum = parts
                .iter()
                .fold(Figure::ZERO, |a, b| a.checked_add(*b).unwrap());
            assert_eq!(sum, fig(total).unwrap(), "{total} over {n}");
            assert!(parts.iter().all(|p| *p >= Figure::ZERO));
        }
    }
}
