//! The demo's Nông thôn mới data, from seeds 000, 001 and 003, on the real communes of UNITS.md.
//!
//! - 001 (Kỳ Anh, 14/04/2017): "bình quân đạt 9,8 tiêu chí/xã". The 21 communes of 2017 are assessed
//!   against the 2016–2020 set so that 206 criteria are met in all: 206 / 21 = 9,81 → "9,8". The seed
//!   gives only the average; every per-commune count and which criteria each commune meets are
//!   INVENTED demo data.
//! - 003 (Thạch Hà, 08/04/2021): five communes aim at NTM nâng cao in 2021 (Nam Điền, Tân Lâm Hương,
//!   Lưu Vĩnh Sơn, Thạch Đài, Thạch Xuân) and Tượng Sơn at kiểu mẫu; 46 model residential areas and
//!   252 model gardens to build. The targets are the seed's; the criteria each commune still lacks,
//!   the other communes' statuses, the recognition decisions (numbers marked "demo") and every
//!   indicator value are INVENTED demo data.
//! - 000 (Bạch Thông, 06/04/2018): the 17 communes and township reviewing each criterion ("rà soát,
//!   đánh giá cụ thể từng tiêu chí", "xác định những tiêu chí dễ (như tiêu chí môi trường và an toàn
//!   thực phẩm…)"). The 16 communes' statuses are INVENTED demo data; the township is not assessed
//!   (the NTM commune criteria do not apply to it).
//! - 003 again: OCOP support accepted "cho 7 cơ sở với 12 sản phẩm" under the province's NQ123. The
//!   counts are the seed's; producer and product names, scores, stars, dates and amounts are INVENTED
//!   (named "minh họa"). Two certifications are dated from the day the demo is built so that the
//!   list of ratings ending soon is never empty.

use std::collections::BTreeMap;

use anyhow::{Context, anyhow};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::ocop::{
    OcopRules, PaymentDraft, PaymentInput, ProducerDraft, ProducerInput, ProductDraft, ProductInput,
};
use giaoban_domain::programme::{
    BUNDLED_SETS, CommuneProgramme, CriteriaSet, CriterionStatus, Level, Met, Recognition,
};
use giaoban_domain::unit::UnitId;
use giaoban_storage::Store;
use giaoban_storage::programmes::ModelAreas;
use jiff::civil::{Date, date};
use uuid::Uuid;

async fn unit(store: &Store, key: &str) -> anyhow::Result<UnitId> {
    Ok(store
        .unit_by_key(key)
        .await?
        .with_context(|| format!("demo unit «{key}»"))?
        .id)
}

/// The order in which the demo's communes meet criteria (the first k are met): infrastructure
/// that was already there first, income, poverty and roads last. Invented, plausible.
const EASE_2016: [u16; 19] = [
    4, 18, 19, 8, 1, 12, 14, 16, 9, 15, 7, 3, 5, 6, 11, 13, 17, 10, 2,
];

pub(crate) fn status(item: &str, met: Met, on: Date, assessor: &str) -> CriterionStatus {
    CriterionStatus {
        item: item.into(),
        met,
        evaluated_on: Some(on),
        assessor: Some(assessor.into()),
        evidence: Some("Dữ liệu minh họa (demo)".into()),
        planned_year: None,
        values: BTreeMap::new(),
    }
}

/// Statuses for a commune meeting `k` criteria of the 2016–2020 set, with income, poverty,
/// employment and health-insurance values (invented) near or past their thresholds.
fn statuses_2016(
    k: usize,
    i: usize,
    on: Date,
    assessor: &str,
    plan_to: i16,
) -> Vec<CriterionStatus> {
    let mut order = EASE_2016;
    // A little variety between communes: swap a pair in the middle of the order.
    if i % 2 == 1 {
        order.swap(7, 9);
    }
    if i % 3 == 2 {
        order.swap(4, 12);
    }
    let met: Vec<u16> = order[..k.min(19)].to_vec();
    (1..=19u16)
        .map(|n| {
            let ok = met.contains(&n);
            let mut s = status(
                &n.to_string(),
                if ok { Met::Ntm } else { Met::No },
                on,
                assessor,
            );
            if !ok {
                // Roadmap: the later in the order, the later planned.
                let pos = order.iter().position(|x| *x == n).unwrap_or(18) as i16;
                s.planned_year = Some((on.year() + 1 + (pos - k as i16) / 4).min(plan_to));
            }
            let v = |x: f64| (x * 1000.0).round() as i64;
            let spread = (i % 5) as f64;
            match n {
                10 => {
                    s.values.insert(
                        "10".into(),
                        v(if ok {
                            43.0 + spread
                        } else {
                            33.0 + spread * 1.5
                        }),
                    );
                }
                11 => {
                    s.values.insert(
                        "11".into(),
                        v(if ok {
                            4.5 - spread * 0.3
                        } else {
                            6.0 + spread * 0.8
                        }),
                    );
                }
                12 => {
                    s.values.insert(
                        "12".into(),
                        v(if ok {
                            91.0 + spread
                        } else {
                            86.0 + spread * 0.7
                        }),
                    );
                }
                15 => {
                    s.values.insert(
                        "15.2".into(),
                        v(if ok {
                            86.0 + spread
                        } else {
                            78.0 + spread * 1.5
                        }),
                    );
                }
                _ => {}
            }
            s
        })
        .collect()
}

fn recognition(level: Level, decision: &str, on: Date) -> Recognition {
    Recognition {
        level,
        decision: decision.into(),
        decided_on: on,
    }
}

/// Loads the bundled criteria sets (when missing) and returns their stored ids by code.
pub(crate) async fn sets(
    store: &Store,
    actor: &AuditActor,
) -> anyhow::Result<BTreeMap<String, Uuid>> {
    if store.criteria_sets().await?.is_empty() {
        for (name, text) in BUNDLED_SETS {
            let set = CriteriaSet::parse(text).map_err(|e| anyhow!("{name}: {e:?}"))?;
            store.load_criteria_set(actor, text, &set).await?;
        }
    }
    Ok(store
        .criteria_sets()
        .await?
        .into_iter()
        .map(|s| (s.set.code.clone(), s.id))
        .collect())
}

/// Builds the programme demo data; returns the number of commune assessments made. OCOP ratings
/// are dated back from `today` (the day the demo is built for).
pub async fn ensure(store: &Store, actor: &AuditActor, today: Date) -> anyhow::Result<usize> {
    let sets = sets(store, actor).await?;
    let old = *sets.get("xa-ntm-2016-2020").context("2016–2020 set")?;
    let new = *sets.get("xa-ntm-2021-2025").context("2021–2025 set")?;
    let mut made = 0;

    // ----- Kỳ Anh, 2017: 206 criteria met over 21 communes = 9,8 per commune -----
    let ky_anh: [(&str, usize); 21] = [
        ("ky-anh-ky-xuan", 12),
        ("ky-anh-ky-bac", 9),
        ("ky-anh-ky-phu", 8),
        ("ky-anh-ky-phong", 10),
        ("ky-anh-ky-tien", 13),
        ("ky-anh-ky-giang", 7),
        ("ky-anh-ky-dong", 10),
        ("ky-anh-ky-khang", 8),
        ("ky-anh-ky-van", 15),
        ("ky-anh-ky-trung", 6),
        ("ky-anh-ky-tho", 9),
        ("ky-anh-ky-tay", 5),
        ("ky-anh-ky-thuong", 5),
        ("ky-anh-ky-hai", 8),
        ("ky-anh-ky-thu", 7),
        ("ky-anh-ky-chau", 11),
        ("ky-anh-ky-tan", 9),
        ("ky-anh-ky-hop", 10),
        ("ky-anh-ky-lam", 6),
        ("ky-anh-ky-son", 19),
        ("ky-anh-ky-lac", 19),
    ];
    debug_assert_eq!(ky_anh.iter().map(|(_, k)| k).sum::<usize>(), 206);
    let on = date(2017, 3, 31);
    for (i, (key, k)) in ky_anh.iter().enumerate() {
        let id = unit(store, key).await?;
        store
            .put_statuses(
                actor,
                id,
                old,
                2017,
                &statuses_2016(*k, i, on, "BCĐ NTM huyện Kỳ Anh", 2020),
            )
            .await?;
        let mut p = CommuneProgramme {
            region: Some("bac-trung-bo".into()),
            ..Default::default()
        };
        if *k == 19 {
            p.recognitions.push(recognition(
                Level::Ntm,
                "QĐ công nhận (demo)",
                date(2016, 12, 28),
            ));
        } else {
            p.targets
                .insert(Level::Ntm, if *k >= 12 { 2018 } else { 2020 });
        }
        store.put_commune_programme(actor, id, &p, None).await?;
        made += 1;
    }

    // ----- Thạch Hà, 2021: five communes aiming at nâng cao, Tượng Sơn at kiểu mẫu -----
    let on = date(2021, 3, 31);
    let assessor = "Văn phòng điều phối NTM huyện Thạch Hà";
    // (key, criteria still lacking at the nâng cao level, kiểu mẫu conditions lacking)
    let aiming: [(&str, &[u16], &[&str], Level); 6] = [
        ("thach-ha-nam-dien", &[2, 17], &[], Level::NangCao),
        ("thach-ha-tan-lam-huong", &[6, 10, 17], &[], Level::NangCao),
        ("thach-ha-luu-vinh-son", &[2, 3, 9], &[], Level::NangCao),
        ("thach-ha-thach-dai", &[13, 17], &[], Level::NangCao),
        ("thach-ha-thach-xuan", &[10, 12], &[], Level::NangCao),
        ("thach-ha-tuong-son", &[], &["KM3", "KM4"], Level::KieuMau),
    ];
    let v = |x: f64| (x * 1000.0).round() as i64;
    for (key, lacking, conditions_lacking, aim) in aiming {
        let id = unit(store, key).await?;
        let mut statuses: Vec<CriterionStatus> = (1..=19u16)
            .map(|n| {
                let met = if lacking.contains(&n) {
                    Met::Ntm
                } else {
                    Met::NangCao
                };
                let mut s = status(&n.to_string(), met, on, assessor);
                if met == Met::Ntm {
                    s.planned_year = Some(2021);
                }
                // Indicator values (invented): past the nâng cao threshold when met at that
                // level, between the two thresholds otherwise.
                let nc = met == Met::NangCao;
                match n {
                    10 => {
                        s.values
                            .insert("10".into(), v(if nc { 51.5 } else { 47.2 }));
                    }
                    11 => {
                        s.values.insert("11".into(), v(if nc { 3.1 } else { 4.6 }));
                    }
                    12 => {
                        s.values
                            .insert("12.2".into(), v(if nc { 76.0 } else { 72.5 }));
                    }
                    15 => {
                        s.values
                            .insert("15.2".into(), v(if nc { 95.5 } else { 92.0 }));
                    }
                    17 => {
                        s.values
                            .insert("17.1".into(), v(if nc { 60.0 } else { 41.0 }));
                    }
                    _ => {}
                }
                s
            })
            .collect();
        if aim == Level::KieuMau {
            for (code, _) in [("KM1", ()), ("KM2", ()), ("KM3", ()), ("KM4", ())] {
                let met = if conditions_lacking.contains(&code) {
                    Met::No
                } else {
                    Met::Ntm
                };
                let mut s = status(code, met, on, assessor);
                if met == Met::No {
                    s.planned_year = Some(2021);
                }
                statuses.push(s);
            }
        }
        store.put_statuses(actor, id, new, 2021, &statuses).await?;
        let mut p = CommuneProgramme {
            region: Some("bac-trung-bo".into()),
            ..Default::default()
        };
        p.recognitions.push(recognition(
            Level::Ntm,
            "QĐ công nhận (demo)",
            date(2019, 12, 20),
        ));
        if aim == Level::KieuMau {
            p.recognitions.push(recognition(
                Level::NangCao,
                "QĐ công nhận (demo)",
                date(2020, 12, 15),
            ));
        }
        p.targets.insert(aim, 2021);
        store.put_commune_programme(actor, id, &p, None).await?;
        made += 1;
    }
    // The other communes of 2021 (invented): NTM communes consolidating under the new set, each
    // with a few criteria not yet re-met at the new thresholds.
    let others: [(&str, &[u16]); 15] = [
        ("thach-ha-ngoc-son", &[2, 17]),
        ("thach-ha-thach-hai", &[10, 17, 13]),
        ("thach-ha-thach-kenh", &[17]),
        ("thach-ha-thach-son", &[2, 9]),
        ("thach-ha-thach-lien", &[17, 11]),
        ("thach-ha-dinh-ban", &[2, 6, 17]),
        ("thach-ha-viet-tien", &[6, 9, 17]),
        ("thach-ha-thach-khe", &[10, 11, 13, 17]),
        ("thach-ha-thach-long", &[17]),
        ("thach-ha-thach-tri", &[10, 17]),
        ("thach-ha-thach-lac", &[13, 17]),
        ("thach-ha-thach-ngoc", &[2]),
        ("thach-ha-thach-van", &[17, 12]),
        ("thach-ha-thach-thang", &[3, 17]),
        ("thach-ha-thach-hoi", &[10, 11, 17]),
    ];
    for (key, lacking) in others {
        let id = unit(store, key).await?;
        let statuses: Vec<CriterionStatus> = (1..=19u16)
            .map(|n| {
                let ok = !lacking.contains(&n);
                let mut s = status(
                    &n.to_string(),
                    if ok { Met::Ntm } else { Met::No },
                    on,
                    assessor,
                );
                if !ok {
                    s.planned_year = Some(2022);
                }
                match n {
                    10 => {
                        s.values
                            .insert("10".into(), v(if ok { 44.0 } else { 40.5 }));
                    }
                    11 => {
                        s.values.insert("11".into(), v(if ok { 5.2 } else { 6.9 }));
                    }
                    12 => {
                        s.values
                            .insert("12.2".into(), v(if ok { 71.0 } else { 66.0 }));
                    }
                    17 => {
                        s.values
                            .insert("17.1".into(), v(if ok { 40.0 } else { 31.5 }));
                    }
                    _ => {}
                }
                s
            })
            .collect();
        store.put_statuses(actor, id, new, 2021, &statuses).await?;
        let mut p = CommuneProgramme {
            region: Some("bac-trung-bo".into()),
            ..Default::default()
        };
        p.recognitions.push(recognition(
            Level::Ntm,
            "QĐ công nhận (demo)",
            date(2019, 12, 20),
        ));
        store.put_commune_programme(actor, id, &p, None).await?;
        made += 1;
    }
    // Seed 003's model areas: the district's targets for 2021 (the seed's), and the five
    // nâng cao communes' counts so far (invented).
    let thach_ha = unit(store, "thach-ha").await?;
    for (kind, target) in [("kdc_kieu_mau", 46), ("vuon_mau", 252)] {
        store
            .put_model_areas(
                actor,
                &ModelAreas {
                    unit_id: thach_ha,
                    year: 2021,
                    kind: kind.into(),
                    achieved: None,
                    target: Some(target),
                },
            )
            .await?;
    }
    for (key, kdc, vuon) in [
        ("thach-ha-nam-dien", 3, 18),
        ("thach-ha-tan-lam-huong", 2, 15),
        ("thach-ha-luu-vinh-son", 2, 12),
        ("thach-ha-thach-dai", 3, 20),
        ("thach-ha-thach-xuan", 2, 16),
        ("thach-ha-tuong-son", 4, 25),
    ] {
        let id = unit(store, key).await?;
        for (kind, n) in [("kdc_kieu_mau", kdc), ("vuon_mau", vuon)] {
            store
                .put_model_areas(
                    actor,
                    &ModelAreas {
                        unit_id: id,
                        year: 2021,
                        kind: kind.into(),
                        achieved: Some(n),
                        target: None,
                    },
                )
                .await?;
        }
    }

    // ----- Bạch Thông, 2018: the 16 communes (the township is not assessed) -----
    let bach_thong: [(&str, usize); 16] = [
        ("bach-thong-phuong-linh", 7),
        ("bach-thong-vi-huong", 8),
        ("bach-thong-si-binh", 6),
        ("bach-thong-vu-muon", 5),
        ("bach-thong-don-phong", 6),
        ("bach-thong-tu-tri", 9),
        ("bach-thong-luc-binh", 8),
        ("bach-thong-tan-tien", 7),
        ("bach-thong-quan-binh", 10),
        ("bach-thong-nguyen-phuc", 11),
        ("bach-thong-cao-son", 5),
        ("bach-thong-ha-vi", 12),
        ("bach-thong-cam-giang", 19),
        ("bach-thong-my-thanh", 9),
        ("bach-thong-duong-phong", 10),
        ("bach-thong-quang-thuan", 13),
    ];
    let on = date(2018, 3, 31);
    for (i, (key, k)) in bach_thong.iter().enumerate() {
        let id = unit(store, key).await?;
        store
            .put_statuses(
                actor,
                id,
                old,
                2018,
                &statuses_2016(*k, i, on, "BCĐ NTM huyện Bạch Thông", 2020),
            )
            .await?;
        let mut p = CommuneProgramme {
            region: Some("trung-du-mien-nui-phia-bac".into()),
            ..Default::default()
        };
        if *k == 19 {
            p.recognitions.push(recognition(
                Level::Ntm,
                "QĐ công nhận (demo)",
                date(2017, 12, 29),
            ));
        } else if *k >= 12 {
            p.targets.insert(Level::Ntm, 2019);
        }
        store.put_commune_programme(actor, id, &p, None).await?;
        made += 1;
    }
    ocop(store, actor, today).await?;
    Ok(made)
}

/// Seed 003's OCOP: 7 producers with 12 products in Thạch Hà (all details invented).
async fn ocop(store: &Store, actor: &AuditActor, today: Date) -> anyhow::Result<()> {
    let rules = OcopRules::bundled().map_err(|e| anyhow!(e))?;
    // Certified 3 years minus 40 days ago: the rating ends in 40 days.
    let soon = today
        .checked_sub(jiff::Span::new().years(3))?
        .checked_add(jiff::Span::new().days(40))?;
    let recent = today.checked_sub(jiff::Span::new().months(5))?;
    let fmt = |d: Date| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
    // (commune, producer kind, [(score parts, certified on)])
    type P = (&'static str, &'static str, Vec<((i64, i64, i64), String)>);
    let list: Vec<P> = vec![
        (
            "thach-ha-thach-dai",
            "hop_tac_xa",
            vec![
                ((30, 16, 22), "2020-12-15".into()),
                ((32, 18, 24), fmt(soon)),
            ],
        ),
        (
            "thach-ha-nam-dien",
            "co_so",
            vec![
                ((28, 15, 21), "2021-03-10".into()),
                ((26, 12, 14), String::new()),
            ],
        ),
        (
            "thach-ha-tuong-son",
            "hop_tac_xa",
            vec![
                ((34, 20, 26), "2020-12-15".into()),
                ((31, 17, 23), fmt(recent)),
            ],
        ),
        (
            "thach-ha-thach-xuan",
            "ho_kinh_doanh",
            vec![
                ((27, 14, 20), "2019-11-20".into()),
                ((29, 15, 22), fmt(soon)),
            ],
        ),
        (
            "thach-ha-tan-lam-huong",
            "to_hop_tac",
            vec![
                ((30, 15, 21), "2021-03-10".into()),
                ((25, 11, 13), String::new()),
            ],
        ),
        (
            "thach-ha-viet-tien",
            "doanh_nghiep",
            vec![((33, 19, 25), "2020-12-15".into())],
        ),
        (
            "thach-ha-thach-kenh",
            "co_so",
            vec![((29, 16, 21), "2021-03-10".into())],
        ),
    ];
    let mut n = 0;
    for (i, (key, kind, products)) in list.into_iter().enumerate() {
        let commune = unit(store, key).await?;
        let producer = store
            .create_ocop_producer(
                actor,
                &ProducerDraft::parse(&ProducerInput {
                    commune_id: commune.0,
                    name: format!("Chủ thể OCOP minh họa số {}", i + 1),
                    kind: Some(kind.into()),
                })
                .map_err(|e| anyhow!("{e:?}"))?,
            )
            .await?;
        let mut first = None;
        for ((c, m, q), on) in products {
            n += 1;
            let certified = !on.is_empty();
            let total = c + m + q;
            let level = match rules.stars_for(u8::try_from(total).unwrap_or(0)) {
                4 => "province",
                5 => "central",
                _ => "district",
            };
            let d = ProductDraft::parse(
                &ProductInput {
                    producer_id: producer.id,
                    name: format!("Sản phẩm OCOP minh họa số {n}"),
                    score_community: Some(c),
                    score_marketing: Some(m),
                    score_quality: Some(q),
                    certifying_level: certified.then(|| level.to_owned()),
                    certified_on: certified.then_some(on),
                },
                rules,
            )
            .map_err(|e| anyhow!("{e:?}"))?;
            let p = store.create_ocop_product(actor, commune, &d).await?;
            first.get_or_insert(p.id);
        }
        store
            .add_ocop_payment(
                actor,
                commune,
                &PaymentDraft::parse(&PaymentInput {
                    producer_id: producer.id,
                    product_id: first,
                    paid_on: "2021-04-08".into(),
                    amount_vnd: serde_json::json!(30_000_000),
                    basis: Some("NQ123 của HĐND tỉnh (nghiệm thu 08/04/2021, seed 003)".into()),
                })
                .map_err(|e| anyhow!("{e:?}"))?,
            )
            .await?;
    }
    Ok(())
}
