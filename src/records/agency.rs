//! Agencies, organisations, enterprises and citizens (QD05/2024 Đ2, Đ15).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, TerritoryId};

/// A party to data sharing: a state agency, an organisation, an enterprise or a citizen
/// (QD05/2024 Đ2.1, Đ2.2).
///
/// # Example
///
/// ```
/// use lgsp_policy::records::{Agency, AgencyKind};
///
/// let dic = Agency::new("so-tttt".parse()?, "Sở Thông tin và Truyền thông", AgencyKind::InformationAndCommunications);
/// assert!(dic.kind.is_state_administrative());
/// assert!(dic.kind.is_provincial_focal_point());
/// # Ok::<(), lgsp_policy::records::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Its id.
    pub id: AgencyId,
    /// Its name, as written in Vietnamese.
    pub name: String,
    /// What kind of party it is (QD05/2024 Đ2).
    pub kind: AgencyKind,
    /// The officer it named as its data focal point (QD05/2024 Đ15.1.b, Đ15.2), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focal_point: Option<FocalPoint>,
    /// The legal territory of the area it serves, when the world spans several (in the
    /// merged Đắk Lắk, `VN-33:former-VN-32` or `VN-33:former-VN-33`); `None` for the
    /// world's own. The rules for its data, and for its acts as a provider, are the ones in
    /// force there. See [`World::territory_of_agency`](crate::World::territory_of_agency)
    /// and `docs/TERRITORIES.md`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<TerritoryId>,
}

impl Agency {
    /// An agency with no focal-point officer recorded.
    pub fn new(id: AgencyId, name: impl Into<String>, kind: AgencyKind) -> Self {
        Agency {
            id,
            name: name.into(),
            kind,
            focal_point: None,
            territory: None,
        }
    }

    /// The same agency with its focal-point officer.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::records::{Agency, AgencyKind, FocalPoint, OfficerRole};
    ///
    /// let so_tp = Agency::new("so-tp".parse()?, "Sở Tư pháp", AgencyKind::ProvincialDepartment)
    ///     .with_focal_point(FocalPoint { name: "Trần Thị B".into(), role: OfficerRole::Technical });
    /// let officer = so_tp.focal_point.as_ref().ok_or("no officer")?;
    /// assert!(officer.role.meets_15_2()); // technical staff (QD05/2024 Đ15.2)
    /// assert!(!OfficerRole::Other.meets_15_2());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_focal_point(mut self, officer: FocalPoint) -> Self {
        self.focal_point = Some(officer);
        self
    }

    /// The same agency, serving the area of `territory` (see [`Agency::territory`]).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::records::{Agency, AgencyKind};
    ///
    /// let tuy_hoa = Agency::new("ubnd-p-tuy-hoa".parse()?, "UBND phường Tuy Hòa", AgencyKind::CommunePeoplesCommittee)
    ///     .in_territory("VN-33:former-VN-32".parse()?);
    /// assert_eq!(tuy_hoa.territory.as_ref().map(|t| t.as_str()), Some("VN-33:former-VN-32"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn in_territory(mut self, territory: TerritoryId) -> Self {
        self.territory = Some(territory);
        self
    }
}

/// The kinds of party the regulation names (QD05/2024 Đ2, Đ15.1.a, Đ18.1).
///
/// The example covers `ALL`, `is_state_administrative`, `is_in_province`,
/// `is_provincial_focal_point`, `level` and `as_str`.
///
/// # Example
///
/// ```
/// use lgsp_policy::records::{AgencyKind, Level};
///
/// // A state enterprise is not a state administrative agency (QD05/2024 Đ17.1.d).
/// let water = AgencyKind::StateEnterprise;
/// assert!(!water.is_state_administrative());
/// assert_eq!(water.level(), Level::NotAState);
/// // A ministry is, but outside the province: it comes in through the NGSP (Đ11.3).
/// let ministry = AgencyKind::ExternalStateAgency;
/// assert!(ministry.is_state_administrative() && !ministry.is_in_province());
/// assert_eq!(ministry.level(), Level::Central);
/// // Exactly one kind is the provincial focal point.
/// let focal: Vec<AgencyKind> =
///     AgencyKind::ALL.into_iter().filter(|k| k.is_provincial_focal_point()).collect();
/// assert_eq!(focal, [AgencyKind::InformationAndCommunications]);
/// // `as_str` is the name in JSON and in the Cedar model.
/// assert_eq!(serde_json::to_string(&AgencyKind::DistrictPeoplesCommittee)?,
///     format!("\"{}\"", AgencyKind::DistrictPeoplesCommittee.as_str()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AgencyKind {
    /// The provincial People's Committee (UBND tỉnh).
    ProvincialPeoplesCommittee,
    /// The Department of Information and Communications (Sở Thông tin và Truyền thông), the
    /// provincial focal point for data (QD05/2024 Đ15.1.a).
    InformationAndCommunications,
    /// Another provincial department, board or sector (sở, ban, ngành; QD05/2024 Đ2.1).
    ProvincialDepartment,
    /// A district-level People's Committee (huyện, thị xã, thành phố; QD05/2024 Đ2.1).
    DistrictPeoplesCommittee,
    /// A commune-level People's Committee (xã, phường, thị trấn; QD05/2024 Đ2.1).
    CommunePeoplesCommittee,
    /// A state administrative agency outside the province — a ministry, a central agency, or
    /// another province — reached through the NGSP (QD05/2024 Đ3.4, Đ11.3).
    ExternalStateAgency,
    /// A state enterprise of the province (doanh nghiệp nhà nước; QD05/2024 Đ18.1).
    StateEnterprise,
    /// Another organisation, including non-governmental ones (QD05/2024 Đ2.2, Đ11.5).
    Organisation,
    /// A private enterprise (doanh nghiệp; QD05/2024 Đ17.1.e).
    Enterprise,
    /// A citizen (người dân; QD05/2024 Đ17.1.e).
    Citizen,
}

impl AgencyKind {
    /// Every kind, in declaration order.
    pub const ALL: [AgencyKind; 10] = [
        AgencyKind::ProvincialPeoplesCommittee,
        AgencyKind::InformationAndCommunications,
        AgencyKind::ProvincialDepartment,
        AgencyKind::DistrictPeoplesCommittee,
        AgencyKind::CommunePeoplesCommittee,
        AgencyKind::ExternalStateAgency,
        AgencyKind::StateEnterprise,
        AgencyKind::Organisation,
        AgencyKind::Enterprise,
        AgencyKind::Citizen,
    ];

    /// Whether this is a state administrative agency (cơ quan hành chính nhà nước), the only
    /// kind that QD05/2024 Đ17.1.d lets exploit shared data.
    pub fn is_state_administrative(self) -> bool {
        matches!(
            self,
            AgencyKind::ProvincialPeoplesCommittee
                | AgencyKind::InformationAndCommunications
                | AgencyKind::ProvincialDepartment
                | AgencyKind::DistrictPeoplesCommittee
                | AgencyKind::CommunePeoplesCommittee
                | AgencyKind::ExternalStateAgency
        )
    }

    /// Whether this party is inside the province (so reaches the LGSP directly rather than
    /// through the NGSP, QD05/2024 Đ11.3).
    pub fn is_in_province(self) -> bool {
        !matches!(self, AgencyKind::ExternalStateAgency)
    }

    /// Whether this is the provincial data focal point (QD05/2024 Đ15.1.a), which also
    /// runs the LGSP and the provincial data portal and so may issue accounts for them
    /// (ND47/2020 Đ40).
    pub fn is_provincial_focal_point(self) -> bool {
        matches!(self, AgencyKind::InformationAndCommunications)
    }

    /// The administrative level.
    pub fn level(self) -> Level {
        match self {
            AgencyKind::ProvincialPeoplesCommittee
            | AgencyKind::InformationAndCommunications
            | AgencyKind::ProvincialDepartment => Level::Provincial,
            AgencyKind::DistrictPeoplesCommittee => Level::District,
            AgencyKind::CommunePeoplesCommittee => Level::Commune,
            AgencyKind::ExternalStateAgency => Level::Central,
            AgencyKind::StateEnterprise
            | AgencyKind::Organisation
            | AgencyKind::Enterprise
            | AgencyKind::Citizen => Level::NotAState,
        }
    }

    /// The name used for this kind in the Cedar model (`Agency.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::ProvincialPeoplesCommittee => "provincial_peoples_committee",
            AgencyKind::InformationAndCommunications => "information_and_communications",
            AgencyKind::ProvincialDepartment => "provincial_department",
            AgencyKind::DistrictPeoplesCommittee => "district_peoples_committee",
            AgencyKind::CommunePeoplesCommittee => "commune_peoples_committee",
            AgencyKind::ExternalStateAgency => "external_state_agency",
            AgencyKind::StateEnterprise => "state_enterprise",
            AgencyKind::Organisation => "organisation",
            AgencyKind::Enterprise => "enterprise",
            AgencyKind::Citizen => "citizen",
        }
    }
}

/// Administrative level of a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Level {
    /// Ministries, central agencies and other provinces.
    Central,
    /// Provincial.
    Provincial,
    /// District level.
    District,
    /// Commune level.
    Commune,
    /// Not a state agency.
    NotAState,
}

/// The officer an agency names as its data focal point (QD05/2024 Đ15.1.b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FocalPoint {
    /// The officer's name.
    pub name: String,
    /// The officer's role: QD05/2024 Đ15.2 requires specialist or technical staff.
    pub role: OfficerRole,
}

/// The role of a focal-point officer (QD05/2024 Đ15.2). [`Agency::with_focal_point`]
/// shows `meets_15_2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OfficerRole {
    /// Specialist staff (cán bộ chuyên môn).
    Specialist,
    /// Technical staff (cán bộ kỹ thuật).
    Technical,
    /// Neither: does not satisfy QD05/2024 Đ15.2.
    Other,
}

impl OfficerRole {
    /// Whether the role satisfies QD05/2024 Đ15.2.
    pub fn meets_15_2(self) -> bool {
        matches!(self, OfficerRole::Specialist | OfficerRole::Technical)
    }
}
