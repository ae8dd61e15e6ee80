//! The demo province: An Giang as it is since 1 July 2025 (the former An Giang and Kiên Giang
//! merged; districts abolished), with the former districts kept as history so that a unit's
//! lineage can be followed across the reform.
//!
//! Unit names follow the 2025 arrangement; the grouping by former district is the lineage we
//! record. Procedure codes have the national catalogue's form and are illustrative.

use crate::domain::agency::AgencyKind;
use crate::domain::dossier::ApplicantKind;

/// The province's departments and equivalent agencies (sở, ban, ngành).
pub const DEPARTMENTS: &[(&str, &str, &str)] = &[
    (
        "VP",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Office of the Provincial People's Committee",
    ),
    ("SNV", "Sở Nội vụ", "Department of Home Affairs"),
    ("STP", "Sở Tư pháp", "Department of Justice"),
    ("STC", "Sở Tài chính", "Department of Finance"),
    ("SCT", "Sở Công Thương", "Department of Industry and Trade"),
    (
        "SNNMT",
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
    ),
    ("SXD", "Sở Xây dựng", "Department of Construction"),
    (
        "SKHCN",
        "Sở Khoa học và Công nghệ",
        "Department of Science and Technology",
    ),
    (
        "SGDDT",
        "Sở Giáo dục và Đào tạo",
        "Department of Education and Training",
    ),
    ("SYT", "Sở Y tế", "Department of Health"),
    (
        "SVHTTDL",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Department of Culture, Sports and Tourism",
    ),
    (
        "SDTTG",
        "Sở Dân tộc và Tôn giáo",
        "Department of Ethnic and Religious Affairs",
    ),
    ("TTT", "Thanh tra tỉnh", "Provincial Inspectorate"),
    (
        "BQLKKT",
        "Ban Quản lý Khu kinh tế tỉnh",
        "Provincial Economic Zone Authority",
    ),
];

/// A former district-level unit (until 30 June 2025) and the commune-level units that took
/// over its territory.
pub struct FormerDistrict {
    /// `true`: former Kiên Giang; `false`: former An Giang.
    pub kien_giang: bool,
    pub kind: AgencyKind,
    pub name: &'static str,
    pub successors: &'static [(AgencyKind, &'static str)],
}

use AgencyKind::{City, Commune, District, SpecialZone, Town, Ward};

pub const FORMER_DISTRICTS: &[FormerDistrict] = &[
    FormerDistrict {
        kien_giang: false,
        kind: City,
        name: "Long Xuyên",
        successors: &[
            (Ward, "Long Xuyên"),
            (Ward, "Bình Đức"),
            (Ward, "Mỹ Thới"),
            (Commune, "Mỹ Hòa Hưng"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: City,
        name: "Châu Đốc",
        successors: &[(Ward, "Châu Đốc"), (Ward, "Vĩnh Tế")],
    },
    FormerDistrict {
        kien_giang: false,
        kind: Town,
        name: "Tân Châu",
        successors: &[
            (Ward, "Tân Châu"),
            (Ward, "Long Phú"),
            (Commune, "Tân An"),
            (Commune, "Châu Phong"),
            (Commune, "Vĩnh Xương"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: Town,
        name: "Tịnh Biên",
        successors: &[
            (Ward, "Tịnh Biên"),
            (Ward, "Thới Sơn"),
            (Ward, "Chi Lăng"),
            (Commune, "An Cư"),
            (Commune, "Núi Cấm"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: District,
        name: "An Phú",
        successors: &[
            (Commune, "An Phú"),
            (Commune, "Vĩnh Hậu"),
            (Commune, "Nhơn Hội"),
            (Commune, "Khánh Bình"),
            (Commune, "Phú Hữu"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: District,
        name: "Phú Tân",
        successors: &[
            (Commune, "Phú Tân"),
            (Commune, "Phú An"),
            (Commune, "Bình Thạnh Đông"),
            (Commune, "Chợ Vàm"),
            (Commune, "Hòa Lạc"),
            (Commune, "Phú Lâm"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: District,
        name: "Châu Phú",
        successors: &[
            (Commune, "Châu Phú"),
            (Commune, "Mỹ Đức"),
            (Commune, "Vĩnh Thạnh Trung"),
            (Commune, "Bình Mỹ"),
            (Commune, "Thạnh Mỹ Tây"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: District,
        name: "Châu Thành",
        successors: &[
            (Commune, "An Châu"),
            (Commune, "Bình Hòa"),
            (Commune, "Cần Đăng"),
            (Commune, "Vĩnh Hanh"),
            (Commune, "Vĩnh An"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: District,
        name: "Chợ Mới",
        successors: &[
            (Commune, "Chợ Mới"),
            (Commune, "Cù Lao Giêng"),
            (Commune, "Hội An"),
            (Commune, "Long Điền"),
            (Commune, "Nhơn Mỹ"),
            (Commune, "Long Kiến"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: District,
        name: "Thoại Sơn",
        successors: &[
            (Commune, "Thoại Sơn"),
            (Commune, "Óc Eo"),
            (Commune, "Định Mỹ"),
            (Commune, "Phú Hòa"),
            (Commune, "Vĩnh Trạch"),
            (Commune, "Tây Phú"),
        ],
    },
    FormerDistrict {
        kien_giang: false,
        kind: District,
        name: "Tri Tôn",
        successors: &[
            (Commune, "Tri Tôn"),
            (Commune, "Ba Chúc"),
            (Commune, "Ô Lâm"),
            (Commune, "Cô Tô"),
            (Commune, "Vĩnh Gia"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: City,
        name: "Rạch Giá",
        successors: &[(Ward, "Rạch Giá"), (Ward, "Vĩnh Thông")],
    },
    FormerDistrict {
        kien_giang: true,
        kind: City,
        name: "Hà Tiên",
        successors: &[(Ward, "Hà Tiên"), (Ward, "Tô Châu"), (Commune, "Tiên Hải")],
    },
    FormerDistrict {
        kien_giang: true,
        kind: City,
        name: "Phú Quốc",
        successors: &[(SpecialZone, "Phú Quốc"), (SpecialZone, "Thổ Châu")],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Kiên Hải",
        successors: &[(SpecialZone, "Kiên Hải")],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Kiên Lương",
        successors: &[
            (Commune, "Kiên Lương"),
            (Commune, "Hòa Điền"),
            (Commune, "Sơn Hải"),
            (Commune, "Hòn Nghệ"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Giang Thành",
        successors: &[(Commune, "Giang Thành"), (Commune, "Vĩnh Điều")],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Hòn Đất",
        successors: &[
            (Commune, "Hòn Đất"),
            (Commune, "Sơn Kiên"),
            (Commune, "Mỹ Thuận"),
            (Commune, "Bình Sơn"),
            (Commune, "Bình Giang"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Tân Hiệp",
        successors: &[
            (Commune, "Tân Hiệp"),
            (Commune, "Tân Hội"),
            (Commune, "Thạnh Đông"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Châu Thành (Kiên Giang)",
        successors: &[
            (Commune, "Châu Thành"),
            (Commune, "Bình An"),
            (Commune, "Thạnh Lộc"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Giồng Riềng",
        successors: &[
            (Commune, "Giồng Riềng"),
            (Commune, "Thạnh Hưng"),
            (Commune, "Long Thạnh"),
            (Commune, "Hòa Hưng"),
            (Commune, "Ngọc Chúc"),
            (Commune, "Hòa Thuận"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Gò Quao",
        successors: &[
            (Commune, "Gò Quao"),
            (Commune, "Định Hòa"),
            (Commune, "Vĩnh Hòa Hưng"),
            (Commune, "Vĩnh Tuy"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "An Biên",
        successors: &[
            (Commune, "An Biên"),
            (Commune, "Tây Yên"),
            (Commune, "Đông Thái"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "An Minh",
        successors: &[
            (Commune, "An Minh"),
            (Commune, "Vân Khánh"),
            (Commune, "Đông Hưng"),
            (Commune, "Tân Thạnh"),
        ],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "U Minh Thượng",
        successors: &[(Commune, "U Minh Thượng"), (Commune, "Vĩnh Hòa")],
    },
    FormerDistrict {
        kien_giang: true,
        kind: District,
        name: "Vĩnh Thuận",
        successors: &[
            (Commune, "Vĩnh Thuận"),
            (Commune, "Vĩnh Phong"),
            (Commune, "Vĩnh Bình"),
        ],
    },
];

/// Who handles a procedure in the demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandledBy {
    CommuneLevel,
    Department(&'static str),
}

pub struct DemoProcedure {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub field: &'static str,
    pub handled_by: HandledBy,
    pub applicant: ApplicantKind,
    /// Statutory time limit, in working days.
    pub working_days: u32,
    /// Relative volume among the procedures of the same handler.
    pub volume: u32,
}

use ApplicantKind::{Business, Citizen};
use HandledBy::{CommuneLevel, Department};

pub const PROCEDURES: &[DemoProcedure] = &[
    DemoProcedure {
        code: "1.001193",
        name_vi: "Đăng ký khai sinh",
        name_en: "Birth registration",
        field: "Hộ tịch",
        handled_by: CommuneLevel,
        applicant: Citizen,
        working_days: 1,
        volume: 30,
    },
    DemoProcedure {
        code: "1.000894",
        name_vi: "Đăng ký kết hôn",
        name_en: "Marriage registration",
        field: "Hộ tịch",
        handled_by: CommuneLevel,
        applicant: Citizen,
        working_days: 3,
        volume: 10,
    },
    DemoProcedure {
        code: "1.000656",
        name_vi: "Đăng ký khai tử",
        name_en: "Death registration",
        field: "Hộ tịch",
        handled_by: CommuneLevel,
        applicant: Citizen,
        working_days: 1,
        volume: 8,
    },
    DemoProcedure {
        code: "2.000815",
        name_vi: "Chứng thực bản sao từ bản chính",
        name_en: "Certified copy of an original document",
        field: "Chứng thực",
        handled_by: CommuneLevel,
        applicant: Citizen,
        working_days: 1,
        volume: 40,
    },
    DemoProcedure {
        code: "2.000884",
        name_vi: "Chứng thực chữ ký trong giấy tờ, văn bản",
        name_en: "Certification of a signature",
        field: "Chứng thực",
        handled_by: CommuneLevel,
        applicant: Citizen,
        working_days: 1,
        volume: 12,
    },
    DemoProcedure {
        code: "1.001612",
        name_vi: "Đăng ký thành lập hộ kinh doanh",
        name_en: "Registration of a household business",
        field: "Thành lập và hoạt động của hộ kinh doanh",
        handled_by: CommuneLevel,
        applicant: Business,
        working_days: 3,
        volume: 8,
    },
    DemoProcedure {
        code: "1.004227",
        name_vi: "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        name_en: "Building permit for a detached house",
        field: "Hoạt động xây dựng",
        handled_by: CommuneLevel,
        applicant: Citizen,
        working_days: 15,
        volume: 6,
    },
    DemoProcedure {
        code: "1.012756",
        name_vi: "Đăng ký đất đai, tài sản gắn liền với đất lần đầu",
        name_en: "First registration of land and attached assets",
        field: "Đất đai",
        handled_by: CommuneLevel,
        applicant: Citizen,
        working_days: 20,
        volume: 10,
    },
    DemoProcedure {
        code: "2.001610",
        name_vi: "Đăng ký thành lập doanh nghiệp tư nhân",
        name_en: "Registration of a sole proprietorship",
        field: "Thành lập và hoạt động doanh nghiệp",
        handled_by: Department("STC"),
        applicant: Business,
        working_days: 3,
        volume: 20,
    },
    DemoProcedure {
        code: "2.002036",
        name_vi: "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên",
        name_en: "Registration of a multi-member limited liability company",
        field: "Thành lập và hoạt động doanh nghiệp",
        handled_by: Department("STC"),
        applicant: Business,
        working_days: 3,
        volume: 15,
    },
    DemoProcedure {
        code: "1.001822",
        name_vi: "Cấp giấy phép lao động cho người lao động nước ngoài",
        name_en: "Work permit for a foreign employee",
        field: "Việc làm",
        handled_by: Department("SNV"),
        applicant: Business,
        working_days: 5,
        volume: 8,
    },
    DemoProcedure {
        code: "1.008901",
        name_vi: "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        name_en: "Judicial record certificate for a Vietnamese citizen",
        field: "Lý lịch tư pháp",
        handled_by: Department("STP"),
        applicant: Citizen,
        working_days: 10,
        volume: 25,
    },
    DemoProcedure {
        code: "1.004946",
        name_vi: "Cấp giấy phép hành nghề khám bệnh, chữa bệnh",
        name_en: "Licence to practise medicine",
        field: "Khám bệnh, chữa bệnh",
        handled_by: Department("SYT"),
        applicant: Citizen,
        working_days: 20,
        volume: 10,
    },
    DemoProcedure {
        code: "1.002193",
        name_vi: "Cấp giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        name_en: "Licence for a karaoke business",
        field: "Văn hóa",
        handled_by: Department("SVHTTDL"),
        applicant: Business,
        working_days: 5,
        volume: 6,
    },
    DemoProcedure {
        code: "1.000105",
        name_vi: "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        name_en: "Food safety certificate for a business",
        field: "An toàn thực phẩm",
        handled_by: Department("SCT"),
        applicant: Business,
        working_days: 15,
        volume: 10,
    },
    DemoProcedure {
        code: "1.010727",
        name_vi: "Cấp giấy phép môi trường",
        name_en: "Environmental permit",
        field: "Môi trường",
        handled_by: Department("SNNMT"),
        applicant: Business,
        working_days: 30,
        volume: 6,
    },
    DemoProcedure {
        code: "1.005092",
        name_vi: "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        name_en: "Copy of a diploma from the original register",
        field: "Văn bằng, chứng chỉ",
        handled_by: Department("SGDDT"),
        applicant: Citizen,
        working_days: 5,
        volume: 15,
    },
    DemoProcedure {
        code: "1.009994",
        name_vi: "Cấp giấy phép xây dựng công trình cấp đặc biệt, cấp I",
        name_en: "Building permit for a major structure",
        field: "Hoạt động xây dựng",
        handled_by: Department("SXD"),
        applicant: Business,
        working_days: 20,
        volume: 5,
    },
    DemoProcedure {
        code: "1.011498",
        name_vi: "Cấp giấy chứng nhận đầu tư trong khu kinh tế",
        name_en: "Investment certificate in the economic zone",
        field: "Đầu tư",
        handled_by: Department("BQLKKT"),
        applicant: Business,
        working_days: 15,
        volume: 4,
    },
    DemoProcedure {
        code: "1.003503",
        name_vi: "Giải quyết khiếu nại lần đầu",
        name_en: "First-instance handling of a complaint",
        field: "Giải quyết khiếu nại",
        handled_by: Department("TTT"),
        applicant: Citizen,
        working_days: 30,
        volume: 3,
    },
];
