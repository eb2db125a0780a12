"""Every string the dashboard shows, in English and Korean.

``t(key, lang, **fmt)`` looks a key up and fills its ``{placeholders}``. Both
languages must have every key with the same placeholders (tests/test_i18n.py).
Plain Python, no Streamlit, so it is testable on its own.
"""

from __future__ import annotations

LANGS = {"en": "English", "ko": "한국어"}

TEXT: dict[str, dict[str, str]] = {
    # --- app and shared ---------------------------------------------------------
    "language": {"en": "Language", "ko": "언어"},
    "page_environment": {"en": "Environment", "ko": "환경"},
    "page_matmul": {"en": "Matrix multiply", "ko": "행렬 곱셈"},
    "page_models": {"en": "Models", "ko": "모델"},
    "page_backends": {"en": "Backends", "ko": "백엔드"},
    "page_learn": {"en": "Learn", "ko": "배우기"},
    "run": {"en": "Run", "ko": "실행"},
    "cancel": {"en": "Cancel", "ko": "취소"},
    "measure_again": {"en": "Measure again", "ko": "다시 측정"},
    "cached": {"en": "Cached: the same measurement from earlier in this session, not measured again.",
               "ko": "이 세션에서 이미 한 측정이라 저장된 결과를 보여 줍니다 (다시 측정하지 않음)."},
    "queued": {"en": "Waiting in the queue: position {position}. One measurement runs at a time so "
                     "that timings do not disturb each other.",
               "ko": "대기열에서 기다리는 중: {position}번째. 측정끼리 방해하지 않도록 한 번에 하나만 실행합니다."},
    "starting": {"en": "Starting the {backend} worker (the first time takes a few seconds)...",
                 "ko": "{backend} 작업 프로세스를 시작하는 중 (처음에는 몇 초 걸립니다)..."},
    "measuring": {"en": "Measuring {task}/{tasks}: {label}", "ko": "측정 중 {task}/{tasks}: {label}"},
    "waiting_machine": {"en": "Waiting for another dlenv measurement on this machine (process {pid}, since "
                              "{since}). Timing both at once would corrupt both results, so this one starts "
                              "when it ends.",
                        "ko": "이 컴퓨터에서 다른 dlenv 측정이 진행 중이라 기다립니다(프로세스 {pid}, {since}부터). "
                              "두 측정을 동시에 하면 둘 다 틀린 값이 나오므로, 그 측정이 끝나면 시작합니다."},
    "job_of": {"en": "Job {index} of {count}. {text}", "ko": "작업 {index}/{count}. {text}"},
    "job_running": {"en": "Measuring...", "ko": "측정 중..."},
    "job_done": {"en": "Done", "ko": "완료"},
    "job_failed": {"en": "The measurement did not finish", "ko": "측정을 마치지 못했습니다"},
    "job_cancelled": {"en": "Cancelled.", "ko": "취소했습니다."},
    "hint": {"en": "What to try: {hint}", "ko": "이렇게 해 보세요: {hint}"},
    "busy": {"en": "Not queued: {message}", "ko": "대기열에 넣지 못했습니다: {message}"},
    "refused": {"en": "Not allowed here: {message}", "ko": "여기서는 허용되지 않습니다: {message}"},
    "table": {"en": "Results table", "ko": "결과 표"},
    "busy_warning": {"en": "{count} of {total} results were measured while other programs used up to {share}% "
                           "of the CPU (marked ◔ in the table). Those times are slower and more spread than the "
                           "code is, and comparisons of backends or thread counts can come out wrong. Measure "
                           "again when the machine is quiet.",
                     "ko": "결과 {total}개 중 {count}개는 다른 프로그램이 CPU를 최대 {share}%까지 쓰는 동안 "
                           "측정했습니다(표에 ◔로 표시). 이 시간은 코드 자체보다 느리고 들쭉날쭉하며, 백엔드나 "
                           "스레드 수 비교가 틀리게 나올 수 있습니다. 컴퓨터가 한가할 때 다시 측정하세요."},
    "backend": {"en": "Backend", "ko": "백엔드"},
    "devices": {"en": "Devices", "ko": "장치"},
    "dtype": {"en": "Data type", "ko": "데이터 타입"},
    "no_gpu": {"en": "There is no GPU on this machine: only the CPU was found.",
               "ko": "이 컴퓨터에는 GPU가 없고 CPU만 있습니다."},
    "devices_hint": {"en": "`cpu`, `gpu` and `tpu` mean every device of that kind. Load the exact devices "
                           "on the Environment page.",
                     "ko": "`cpu`, `gpu`, `tpu`는 그 종류의 모든 장치를 뜻합니다. 정확한 장치 목록은 환경 페이지에서 "
                           "불러올 수 있습니다."},
    # --- environment page -------------------------------------------------------
    "env_title": {"en": "dlenv: what is this machine made of?", "ko": "dlenv: 이 컴퓨터 안에는 무엇이 있을까?"},
    "env_running": {"en": "Running: {runtime}", "ko": "실행 환경: {runtime}"},
    "cpu": {"en": "CPU", "ko": "CPU"},
    "cores": {"en": "Physical cores", "ko": "물리 코어"},
    "peak_estimate": {"en": "float32 peak (estimate)", "ko": "float32 최대 성능 (추정)"},
    "unknown": {"en": "unknown", "ko": "알 수 없음"},
    "simd": {"en": "Vector units: {units}", "ko": "벡터 연산 장치: {units}"},
    "none_reported": {"en": "none reported", "ko": "확인된 것 없음"},
    "per_backend": {"en": "Devices per backend", "ko": "백엔드별 장치"},
    "per_backend_intro": {"en": "Each backend runs in a worker process of its own; it reports its versions and "
                                "the devices it can use. Starting the frameworks takes a few seconds, so this "
                                "happens only when you ask.",
                          "ko": "각 백엔드는 별도의 작업 프로세스에서 실행되며, 버전과 사용할 수 있는 장치를 알려 줍니다. "
                                "프레임워크를 시작하는 데 몇 초가 걸리므로 버튼을 누를 때만 실행합니다."},
    "load_devices": {"en": "Show devices per backend", "ko": "백엔드별 장치 보기"},
    "loading_devices": {"en": "Loading devices...", "ko": "장치 정보를 불러오는 중..."},
    "versions": {"en": "Versions", "ko": "버전"},
    "memory": {"en": "Memory", "ko": "메모리"},
    "peak": {"en": "Peak float32", "ko": "float32 최대 성능"},
    "device_id": {"en": "Device", "ko": "장치"},
    "name": {"en": "Name", "ko": "이름"},
    "tf_version": {"en": "In a notebook you would check the version like this; the TensorFlow worker "
                         "answers {version}:",
                   "ko": "Colab·Jupyter 노트북에서는 아래처럼 버전을 확인합니다. 여기서 실행하면 {version}이 나옵니다:"},
    "not_installed": {"en": "Not installed here: {backend}. Install with `{command}`",
                      "ko": "여기에 설치되어 있지 않음: {backend}. 설치 명령: `{command}`"},
    "not_installed_alt": {"en": "Not installed here: {backend}. Install with `{command}` ({alternative})",
                          "ko": "여기에 설치되어 있지 않음: {backend}. 설치 명령: `{command}` ({alternative})"},
    "install_on_nvidia": {"en": "on an NVIDIA GPU: `{command}`", "ko": "NVIDIA GPU에서는 `{command}`"},
    "install_cpu_only": {"en": "CPU only: `{command}`", "ko": "CPU 전용 빌드는 `{command}`"},
    "backend_failed": {"en": "The {backend} backend did not start: {message}",
                       "ko": "{backend} 백엔드가 시작되지 않았습니다: {message}"},
    "demo": {"en": "Quick demo", "ko": "빠른 데모"},
    "demo_intro": {"en": "Square matrix multiplies of size 64 to 512 on every device with TensorFlow, plus one "
                         "small MLP. The measuring itself takes about a second; the first run after the server "
                         "starts takes up to about 8 seconds while TensorFlow loads, and longer when the machine is "
                         "busy or other measurements are ahead in the queue.",
                   "ko": "TensorFlow로 모든 장치에서 크기 64부터 512까지의 정사각 행렬 곱셈과 작은 MLP 하나를 "
                         "측정합니다. 측정 자체는 1초 남짓 걸립니다. 서버가 시작된 뒤 첫 실행은 TensorFlow를 "
                         "불러오느라 8초 정도까지 걸리고, 컴퓨터가 바쁘거나 대기열에 다른 측정이 먼저 있으면 더 "
                         "걸립니다."},
    "demo_run": {"en": "Run the quick demo", "ko": "빠른 데모 실행"},
    "shell": {"en": "Measure from a shell", "ko": "셸에서 측정하기"},
    # --- charts ----------------------------------------------------------------
    "chart_time": {"en": "Time per call", "ko": "호출당 시간"},
    "chart_throughput": {"en": "Throughput", "ko": "처리량"},
    "chart_speedup": {"en": "Speedup over this machine's CPU", "ko": "이 컴퓨터 CPU 대비 속도 향상"},
    "chart_roofline": {"en": "Roofline", "ko": "루프라인"},
    "axis_size": {"en": "matrix size N", "ko": "행렬 크기 N"},
    "axis_time": {"en": "median time per call (ms)", "ko": "호출당 시간 중앙값 (ms)"},
    "axis_speedup": {"en": "speedup (×)", "ko": "속도 향상 (배)"},
    "axis_intensity": {"en": "arithmetic intensity (FLOP/byte)", "ko": "연산 강도 (FLOP/바이트)"},
    "no_speedup": {"en": "Nothing to compare the CPU with yet. Measure a GPU here, or pick cards under "
                         "\"Compare with\": the chart then shows how many times faster each one is at each size, "
                         "and the size from which it starts to win.",
                   "ko": "아직 CPU와 비교할 것이 없습니다. 여기서 GPU를 측정하거나 \"비교할 장치\"에서 카드를 고르면, "
                         "크기별로 각 장치가 몇 배 빠른지와 어느 크기부터 이기기 시작하는지 차트로 보여 줍니다."},
    "models_predicted": {"en": "The same step on other cards, predicted from their datasheets",
                         "ko": "다른 장치에서의 같은 스텝, 데이터시트로 예측"},
    "models_predicted_chart": {"en": "Time per step: measured here (solid) and predicted (hatched)",
                               "ko": "스텝당 시간: 여기서 측정(채운 막대)과 예측(빗금 막대)"},
    "models_predicted_note": {"en": "Predicted from the datasheet: time = max(FLOPs ÷ peak, bytes ÷ memory "
                                    "bandwidth) + a fixed cost per step; nothing ran on those cards. What limits "
                                    "each: {bound}.",
                              "ko": "데이터시트로 예측한 값입니다: 시간 = (FLOPs ÷ 최고 성능)과 (바이트 ÷ 메모리 "
                                    "대역폭) 중 큰 값 + 스텝당 고정 비용. 그 장치에서 실제로 실행하지는 않았습니다. 각 장치의 "
                                    "한계 요인: {bound}."},
    "bound_compute": {"en": "arithmetic (compute-bound)", "ko": "연산 (연산 한계)"},
    "bound_memory": {"en": "memory bandwidth (memory-bound)", "ko": "메모리 대역폭 (메모리 한계)"},
    "bound_overhead": {"en": "the fixed cost per step (overhead-bound)", "ko": "스텝당 고정 비용 (오버헤드 한계)"},
    # --- provenance: what a number is (every chart's legend and hover, the tables) ----------
    "legend_series": {"en": "device · backend (provenance)", "ko": "장치 · 백엔드 (출처)"},
    "prov_measured": {"en": "measured here", "ko": "여기서 측정"},
    "prov_imported": {"en": "imported", "ko": "가져온 측정값"},
    "prov_reference": {"en": "reference", "ko": "기준 측정값"},
    "prov_published": {"en": "published", "ko": "공개된 측정값"},
    "prov_predicted": {"en": "predicted", "ko": "예측값"},
    "speedup_wins": {"en": "**{fast}** is **{times}×** faster than {slow} at N={at}, and wins from N={start} "
                           "on ({kinds}).",
                     "ko": "**{fast}**: N={at}에서 {slow}보다 **{times}배** 빠르고, N={start}부터 계속 "
                           "앞섭니다 ({kinds})."},
    "speedup_ahead": {"en": "**{fast}** is **{times}×** faster than {slow} at N={at}, and already ahead at "
                            "N={start}, the smallest size both have: it starts to win at a smaller size still "
                            "({kinds}).",
                      "ko": "**{fast}**: N={at}에서 {slow}보다 **{times}배** 빠르고, 둘 다 있는 가장 작은 크기인 "
                            "N={start}에서도 이미 앞섭니다. 앞서기 시작하는 크기는 그보다 더 작습니다 ({kinds})."},
    "speedup_loses": {"en": "**{fast}** is still **{times}×** slower than {slow} at N={at}: it is not ahead "
                            "at any size compared ({kinds}).",
                      "ko": "**{fast}**: N={at}에서도 {slow}보다 **{times}배** 느립니다. 비교한 어떤 "
                            "크기에서도 앞서지 못합니다 ({kinds})."},
    "speedup_no_common": {"en": "{fast} and {slow} have no size in common, so there is no speedup to give.",
                          "ko": "{fast}와(과) {slow}에 공통된 크기가 없어 속도 향상을 계산할 수 없습니다."},
    "compare_cards": {"en": "Compare with", "ko": "비교할 장치"},
    "compare_cards_help": {"en": "Cards to draw beside what is measured here: their published measurements "
                                 "(markers) and a prediction from their datasheet (dotted line). Nothing is run "
                                 "on them.",
                           "ko": "여기서 측정한 값 옆에 함께 그릴 장치입니다. 공개된 측정값(점)과 데이터시트로 "
                                 "예측한 값(점선)을 보여 주며, 그 장치에서 실제로 실행하지는 않습니다."},
    "compare_left_out": {"en": "Not drawn: {what}", "ko": "그리지 않은 것: {what}"},
    "compare_no_prediction": {"en": "{card} has no datasheet figure for {dtype}, so nothing is predicted for it.",
                              "ko": "{card}에는 {dtype} 데이터시트 수치가 없어 예측하지 않았습니다."},
    "compare_tf32_only": {"en": "{card}'s published float32 figures ran as TF32, not strict float32.",
                          "ko": "{card}의 공개된 float32 측정값은 엄격한 float32가 아니라 TF32로 계산한 값입니다."},
    "compare_no_published": {"en": "no published {dtype} figures for {card} from N={low} to {high} are bundled.",
                             "ko": "N={low}부터 {high}까지 {card}의 공개된 {dtype} 측정값은 들어 있지 않습니다."},
    "no_device_here": {"en": "This machine has no {kind}: the CPU is measured, and the {kind} is shown from "
                             "published and predicted figures of the cards under \"Compare with\" (each labelled). "
                             "To measure a real GPU, use the Colab notebook.",
                       "ko": "이 컴퓨터에는 {kind}가 없습니다. CPU는 직접 측정하고, {kind}는 \"비교할 장치\"에서 "
                             "고른 카드의 공개된 측정값과 예측값으로 보여 줍니다(각각 표시됨). 실제 GPU를 측정하려면 "
                             "Colab 노트북을 쓰세요."},
    # --- matmul page -----------------------------------------------------------
    "mm_title": {"en": "Matrix multiply: where the time goes", "ko": "행렬 곱셈: 시간은 어디에 쓰일까"},
    "mm_intro": {"en": "An N×N matrix multiply does 2·N³ floating-point operations on 3·N² numbers, so big "
                       "sizes keep the arithmetic units busy. An element-wise add of the same size is run too: "
                       "it does one operation per number and waits on memory instead.",
                 "ko": "N×N 행렬 곱셈은 수 3·N²개를 다루면서 부동소수점 연산을 2·N³번 하므로, 크기가 클수록 연산 장치가 "
                       "바쁘게 일합니다. 같은 크기의 원소별 덧셈도 함께 실행합니다. 덧셈은 수 하나당 연산 한 번이라 "
                       "메모리를 기다리는 시간이 대부분입니다."},
    "sizes": {"en": "Sizes N", "ko": "크기 N"},
    "other_size": {"en": "Another size (0 = none)", "ko": "직접 입력할 크기 (0 = 사용 안 함)"},
    "naive": {"en": "Naive timing too", "ko": "동기화 없이 잰 시간(naive)도 함께"},
    "peak_measured": {"en": "% of a measured peak", "ko": "측정한 최고 성능 대비 %"},
    "peak_measured_help": {"en": "First measures this device's best large matrix multiply (a few seconds) and "
                                 "gives % of that, instead of % of the datasheet peak or the CPU estimate.",
                           "ko": "먼저 이 장치에서 큰 행렬 곱의 최고 성능을 측정하고(몇 초), 데이터시트 최고 성능이나 "
                                 "CPU 추정치 대신 그 값에 대한 %를 보여 줍니다."},
    "naive_help": {"en": "Naive timing does not wait for the device to finish, so on a GPU it measures how "
                         "long it takes to queue the work, not to do it.",
                   "ko": "단순 측정은 장치가 끝날 때까지 기다리지 않으므로, GPU에서는 작업을 하는 시간이 아니라 "
                         "작업을 대기열에 넣는 시간을 잽니다."},
    "pick_sizes": {"en": "Pick at least one size.", "ko": "크기를 하나 이상 고르세요."},
    "pick_devices": {"en": "Pick at least one device.", "ko": "장치를 하나 이상 고르세요."},
    "bad_setting": {"en": "This app's settings have a value it cannot use: {message}. Whoever runs it should fix "
                          "it in the environment or, on Streamlit Cloud, in Settings -> Secrets.",
                    "ko": "이 앱의 설정에 쓸 수 없는 값이 있습니다: {message}. 앱을 운영하는 사람이 환경 변수나 "
                          "Streamlit Cloud의 Settings -> Secrets에서 고쳐야 합니다."},
    "size_over_limit": {"en": "A size of {size} is too large here: this machine allows matrices up to {limit} "
                               "× {limit}. Choose a smaller size.",
                        "ko": "크기 {size}은(는) 여기서 너무 큽니다. 이 컴퓨터는 {limit} × {limit} 행렬까지 "
                              "허용합니다. 더 작은 크기를 고르세요."},
    "size_capped": {"en": "Sizes above {limit} are not offered: that is this machine's limit.",
                    "ko": "이 컴퓨터에서는 {limit}보다 큰 크기를 고를 수 없습니다."},
    "mm_threads": {"en": "What more CPU cores buy", "ko": "CPU 코어가 늘면 얼마나 빨라질까"},
    "mm_threads_text": {"en": "The same matrix multiply on the CPU with 1, 2, 4, ... threads up to the physical cores. "
                              "The dotted line is perfect scaling from one thread; shared memory bandwidth and "
                              "caches, lower clocks when every core is busy and the cost of splitting the work "
                              "keep the measured line below it.",
                        "ko": "같은 행렬 곱셈을 CPU에서 스레드 수를 1, 2, 4, … 식으로 물리 코어 수까지 늘려 가며 실행합니다. 점선은 "
                              "스레드 수에 정확히 비례해 빨라진다고 가정한 선입니다. 여러 코어가 나눠 쓰는 메모리 대역폭과 캐시, 모든 "
                              "코어가 바쁠 때 낮아지는 클럭, 일을 나누는 비용 때문에 실제 선은 점선보다 아래에 있습니다."},
    "mm_threads_size": {"en": "Matrix size N", "ko": "행렬 크기 N"},
    "mm_threads_counts": {"en": "Thread counts: {counts} ({cores} physical cores here). Each count runs in a "
                                "measuring process of its own, started in turn (a few seconds each).",
                          "ko": "스레드 수: {counts} (이 컴퓨터의 물리 코어: {cores}개). 스레드 수마다 별도의 측정 프로세스를 "
                                "차례로 시작합니다 (각각 몇 초)."},
    "mm_threads_run": {"en": "Run the thread sweep", "ko": "스레드 수 비교 실행"},
    "chart_threads": {"en": "Throughput against CPU threads", "ko": "CPU 스레드 수에 따른 처리량"},
    "axis_threads": {"en": "CPU threads", "ko": "CPU 스레드 수"},
    "ideal_scaling": {"en": "ideal (linear)", "ko": "이상적인 경우 (정비례)"},
    # --- models page -----------------------------------------------------------
    "models_title": {"en": "Keras models: MLP and CNN", "ko": "Keras 모델: MLP와 CNN"},
    "model_kind": {"en": "Model", "ko": "모델"},
    "depth": {"en": "Depth (hidden layers)", "ko": "깊이 (은닉층 수)"},
    "width": {"en": "Width (units per layer)", "ko": "너비 (층당 유닛 수)"},
    "filters": {"en": "Filters per convolution", "ko": "합성곱 층당 필터 수"},
    "batch": {"en": "Batch size", "ko": "배치 크기"},
    "mode": {"en": "Mode", "ko": "모드"},
    "mode_inference": {"en": "inference", "ko": "추론"},
    "mode_train": {"en": "train", "ko": "학습"},
    "summary": {"en": "Model summary (computed from the description, before running)",
                "ko": "모델 요약 (실행하지 않고 구조만으로 계산)"},
    "params": {"en": "Parameters", "ko": "파라미터 수"},
    "flops_sample": {"en": "Forward FLOPs per sample", "ko": "샘플당 순전파 FLOP"},
    "memory_est": {"en": "Memory estimate", "ko": "예상 메모리"},
    "layer": {"en": "Layer", "ko": "층"},
    "outputs": {"en": "Outputs per sample", "ko": "샘플당 출력 수"},
    "step_time": {"en": "Time per step", "ko": "스텝당 시간"},
    "samples_s": {"en": "Samples per second", "ko": "초당 샘플 수"},
    "first_call": {"en": "First call (tracing, compiling)", "ko": "첫 호출 (트레이싱, 컴파일)"},
    "first_call_help": {"en": "The first call builds the graph and compiles it; it is timed apart and is not "
                              "part of the time per step.",
                        "ko": "첫 호출은 그래프를 만들고 컴파일합니다. 따로 측정하며 스텝당 시간에는 들어가지 않습니다."},
    "train_note": {"en": "A training step does about three times the work of a forward pass.",
                   "ko": "학습 스텝 한 번의 연산량은 순전파의 약 세 배입니다."},
    # --- backends page ---------------------------------------------------------
    "backends_title": {"en": "One Keras model, every backend", "ko": "Keras 모델 하나를 모든 백엔드에서"},
    "backends_intro": {"en": "Keras 3 runs the same model code on TensorFlow, JAX or PyTorch. Here the same small "
                             "MLP runs once per installed backend, each in its own process, and the numbers are "
                             "put side by side. Only the engine underneath changes, not the Keras code.",
                       "ko": "Keras 3는 같은 모델 코드를 TensorFlow, JAX, PyTorch 위에서 실행합니다. 여기서는 같은 작은 "
                             "MLP를 설치된 백엔드마다 별도 프로세스에서 한 번씩 실행하고 결과를 나란히 놓습니다. "
                             "바뀌는 것은 아래의 엔진뿐이고 Keras 코드는 그대로입니다."},
    "installed": {"en": "Installed backends: {names}", "ko": "설치된 백엔드: {names}"},
    "compare_run": {"en": "Compare the backends", "ko": "백엔드 비교 실행"},
    "chart_backends": {"en": "Time per step by backend", "ko": "백엔드별 스텝당 시간"},
    "axis_step_ms": {"en": "median time per step (ms)", "ko": "스텝당 시간 중앙값 (ms)"},
    # --- learn page ------------------------------------------------------------
    "learn_title": {"en": "Learn: the ideas behind the numbers", "ko": "배우기: 숫자에 담긴 원리"},
    "tensors": {"en": "Tensors, rank 0 to 4", "ko": "텐서, 랭크 0부터 4까지"},
    "tensors_text": {"en": "A tensor is an array of numbers with a shape. Its rank is how many indices you need "
                           "to pick one number: a single number has rank 0, a list rank 1, a table rank 2, a "
                           "colour image rank 3, a batch of images rank 4. These are made with NumPy right here.",
                     "ko": "텐서는 모양(shape)을 가진 숫자 배열입니다. 랭크는 숫자 하나를 고르는 데 필요한 인덱스의 "
                           "개수입니다. 숫자 하나는 랭크 0, 목록은 랭크 1, 표는 랭크 2, 컬러 이미지는 랭크 3, 이미지 "
                           "묶음은 랭크 4입니다. 아래 예시는 여기서 NumPy로 만듭니다."},
    "rank": {"en": "Rank {rank}: {what}", "ko": "랭크 {rank}: {what}"},
    "rank0": {"en": "a scalar, e.g. a loss value", "ko": "스칼라, 예: 손실 값"},
    "rank1": {"en": "a vector, e.g. one sample's features", "ko": "벡터, 예: 샘플 하나의 특징"},
    "rank2": {"en": "a matrix, e.g. a Dense layer's weights", "ko": "행렬, 예: Dense 층의 가중치"},
    "rank3": {"en": "an image: height × width × colour channels", "ko": "이미지: 높이 × 너비 × 색 채널"},
    "rank4": {"en": "a batch of images: batch × height × width × channels",
              "ko": "이미지 묶음: 배치 × 높이 × 너비 × 채널"},
    "shape_dtype": {"en": "shape {shape}, dtype {dtype}", "ko": "모양 {shape}, 데이터 타입 {dtype}"},
    "graph": {"en": "The computation graph", "ko": "계산 그래프"},
    "graph_text": {"en": "A model is a chain of operations on tensors. Run one operation at a time (eager) and "
                         "Python decides each step; record the whole chain first as a graph and the framework can "
                         "fuse steps, plan memory and compile it (XLA) before running. The first call pays for "
                         "that recording and compiling, which is why dlenv times it apart. Timings of eager, "
                         "graph and XLA runs come from a worker process, not from this page.",
                   "ko": "모델은 텐서 연산을 차례로 이어 놓은 것입니다. 연산을 하나씩 실행하면(즉시 실행, eager) 파이썬이 매 단계를 "
                         "결정합니다. 이 연산 전체를 먼저 그래프로 기록하면 프레임워크가 실행 전에 단계를 합치고, 메모리를 "
                         "계획하고, 컴파일(XLA)할 수 있습니다. 첫 호출은 이 기록과 컴파일 비용을 치르기 때문에 dlenv는 "
                         "첫 호출을 따로 잽니다. eager, 그래프, XLA 실행 시간은 이 페이지가 아니라 작업 프로세스에서 "
                         "측정합니다."},
    "learn_live": {"en": "Try it: one function, three ways to run it", "ko": "해 보기: 함수 하나, 세 가지 실행 방식"},
    "learn_live_text": {"en": "The button asks the TensorFlow worker to trace a small two-layer function with "
                              "tf.function and list the operations of the graph it records: a dense layer, the GELU "
                              "activation written out step by step (the tanh form used in transformers) and a "
                              "second dense layer, on a batch of 32. The same function is then timed three ways: "
                              "eager (Python runs one operation at a time), graph (tf.function) and XLA "
                              "(tf.function with jit_compile=True). Each mode's first call is timed apart: for the "
                              "graph it includes tracing, for XLA compiling.",
                        "ko": "버튼을 누르면 TensorFlow 작업 프로세스가 작은 2층 함수를 tf.function으로 트레이싱하고, 기록된 "
                              "그래프의 연산을 나열합니다. 함수는 크기 32의 배치를 받아 Dense 층 → GELU 활성화 "
                              "함수(트랜스포머에서 쓰는 tanh 형태를 단계별로 풀어 씀) → 두 번째 Dense 층을 거칩니다. 그다음 같은 "
                              "함수를 세 가지 방식으로 잽니다: eager(파이썬이 연산을 하나씩 실행), 그래프(tf.function), "
                              "XLA(jit_compile=True인 tf.function). 각 방식의 첫 호출은 따로 잽니다. 그래프는 트레이싱, "
                              "XLA는 컴파일 시간이 여기에 들어갑니다."},
    "learn_trace": {"en": "Trace and time", "ko": "트레이싱하고 시간 재기"},
    "learn_running": {"en": "Tracing and timing in the TensorFlow worker (starting it takes a few seconds the "
                            "first time)...",
                      "ko": "TensorFlow 작업 프로세스에서 트레이싱하고 시간을 재는 중 (처음에는 시작하는 데 몇 초 "
                            "걸립니다)..."},
    "learn_status": {"en": "Tracing and timing...", "ko": "트레이싱하고 시간을 재는 중..."},
    "learn_failed": {"en": "The example could not run: {message}", "ko": "예제를 실행하지 못했습니다: {message}"},
    "learn_graph_caption": {"en": "The graph tf.function recorded: inputs as ovals, constants as their value, "
                                  "operations as boxes, and on each arrow the shape of the tensor that flows along "
                                  "it. Identity hands the result back to the caller.",
                            "ko": "tf.function이 기록한 그래프입니다. 입력은 타원, 상수는 값 그대로, 연산은 상자로 나타냈고, "
                                  "화살표마다 그 위로 흐르는 텐서의 모양이 적혀 있습니다. Identity는 결과를 호출한 쪽에 "
                                  "돌려줍니다."},
    "learn_mode_eager": {"en": "eager", "ko": "eager (즉시 실행)"},
    "learn_mode_graph": {"en": "graph", "ko": "그래프"},
    "learn_mode_xla": {"en": "XLA", "ko": "XLA"},
    "learn_chart": {"en": "The same function, three ways (CPU)", "ko": "같은 함수, 세 가지 실행 방식 (CPU)"},
    "learn_axis_us": {"en": "median time per call (µs)", "ko": "호출당 시간 중앙값 (µs)"},
    "learn_col_mode": {"en": "Mode", "ko": "방식"},
    "learn_col_median": {"en": "Median (µs)", "ko": "중앙값 (µs)"},
    "learn_col_iqr": {"en": "IQR (µs)", "ko": "IQR (µs)"},
    "learn_col_first": {"en": "First call (ms)", "ko": "첫 호출 (ms)"},
    "learn_mode_failed": {"en": "{mode} could not run here, so it has no timing: {message}",
                          "ko": "여기서는 {mode} 방식을 실행할 수 없어 시간이 없습니다: {message}"},
    "learn_per_op": {"en": "Here eager mode took about {us:.1f} µs longer per arithmetic operation ({count} of them) "
                           "than the graph.",
                     "ko": "여기서 eager 방식은 산술 연산 하나당 그래프보다 약 {us:.1f} µs 더 걸렸습니다 (연산 {count}개)."},
    "learn_why": {"en": "What each mode pays for. In eager mode every operation is its own trip from Python into "
                        "TensorFlow: the arguments are checked, a kernel is chosen and started, and the result comes "
                        "back to Python before the next line runs. When an operation does only microseconds of "
                        "arithmetic, as here, those trips are most of the time. A graph pays for Python once, while "
                        "it is traced; after that one call runs every operation inside TensorFlow. Entering the graph "
                        "has a fixed cost of its own, so for a function of only two or three operations, or on a "
                        "busy machine, eager can keep up. XLA goes further: it compiles the graph for these exact "
                        "shapes and fuses neighbouring operations (here the element-wise steps of GELU) into one "
                        "kernel, so the intermediate tensors are not written to memory and read back. With large "
                        "matrices the arithmetic dominates and the three modes come closer together.",
                  "ko": "각 방식이 치르는 비용. eager 방식에서는 연산 하나하나가 파이썬에서 TensorFlow로 따로 다녀옵니다. "
                        "인자를 확인하고, 커널을 골라 시작하고, 다음 줄이 실행되기 전에 결과가 파이썬으로 돌아옵니다. "
                        "여기처럼 연산 하나의 계산이 몇 마이크로초밖에 안 되면 이 왕복이 시간의 대부분을 차지합니다. "
                        "그래프는 트레이싱할 때 한 번만 파이썬 비용을 치르고, 그 뒤에는 한 번의 호출로 모든 연산을 "
                        "TensorFlow 안에서 실행합니다. 그래프에 들어가는 데에도 고정 비용이 있어서, 연산이 두세 개뿐인 "
                        "함수나 바쁜 컴퓨터에서는 eager가 뒤지지 않을 수 있습니다. XLA는 한 걸음 더 나아가 이 모양에 "
                        "맞게 그래프를 컴파일하고, 이웃한 연산(여기서는 GELU의 원소별 단계들)을 커널 하나로 합쳐 중간 "
                        "텐서를 메모리에 썼다가 다시 읽지 않습니다. 행렬이 크면 계산 자체가 대부분이 되어 세 방식의 "
                        "차이가 줄어듭니다."},
    "stack": {"en": "Hardware → backend → Keras", "ko": "하드웨어 → 백엔드 → Keras"},
    "stack_text": {"en": "At the bottom is the chip (CPU, GPU or TPU) with its driver. Above it a backend "
                         "(TensorFlow, JAX or PyTorch) turns tensor operations into work for that chip. At the top, "
                         "Keras describes layers and models once and hands them to whichever backend is chosen.",
                   "ko": "맨 아래에는 칩(CPU, GPU, TPU)과 드라이버가 있습니다. 그 위의 백엔드(TensorFlow, JAX, PyTorch)는 "
                         "텐서 연산을 그 칩이 할 일로 바꿉니다. 맨 위에서 Keras로 층과 모델을 한 번만 정의하면, "
                         "선택한 백엔드가 이를 실행합니다."},
    "chips": {"en": "CPU, GPU and TPU", "ko": "CPU, GPU, TPU"},
    "chips_text": {"en": "A CPU has a few strong cores that are good at varied work with many branches. A GPU has "
                         "thousands of simple cores that all do the same thing at once. A TPU is built around large "
                         "matrix multiply units. Deep learning is mostly multiply-adds over big matrices, and every "
                         "output element can be computed independently, so it is massively parallel: that is why "
                         "GPUs and TPUs win on large sizes, while small sizes do not fill them and the CPU can be "
                         "faster.",
                   "ko": "CPU에는 분기가 많은 다양한 일을 잘하는 강력한 코어가 몇 개 있고, GPU에는 같은 연산을 "
                         "한꺼번에 처리하는 단순한 코어가 수천 개 있습니다. TPU는 큰 행렬 곱셈 장치를 중심으로 만들어졌습니다. "
                         "딥러닝은 대부분 큰 행렬의 곱셈-덧셈이고 출력 원소 하나하나를 따로 계산할 수 있어 대규모 병렬 "
                         "작업입니다. 그래서 큰 크기에서는 GPU와 TPU가 이기지만, 작은 크기는 그 장치들을 다 채우지 못해 "
                         "CPU가 더 빠를 수도 있습니다."},
    "colab": {"en": "Using Colab's GPU or TPU", "ko": "Colab의 GPU나 TPU 사용하기"},
    "colab_text": {"en": "In Colab choose Runtime → Change runtime type and pick a GPU or TPU; the session "
                         "restarts, so run your cells again. Free accelerators have usage limits and can be "
                         "taken away when idle or after hours of use, so save your work. When you only plot or "
                         "write text, switch back to the CPU to save your quota.",
                   "ko": "Colab에서 런타임 → 런타임 유형 변경을 눌러 GPU나 TPU를 고릅니다. 세션이 다시 시작되므로 셀을 "
                         "다시 실행하세요. 무료 가속기는 사용 한도가 있고, 아무것도 실행하지 않거나 오래 쓰면 회수될 수 있으니 작업을 "
                         "저장해 두세요. 시각화만 하거나 글만 쓸 때는 CPU로 다시 바꿔 사용량을 아끼세요."},
    # --- learn page: TensorFlow 1.x vs 2.x, tf.keras vs keras, Keras's engines, the CPU feeds the GPU ---
    # (issue 15, item 7; pages/learn.py, dlenv/ui/show.py tf_versions_example / keras_names / keras_engines)
    "tfv_header": {"en": "TensorFlow 1.x and 2.x: one layer, written both ways",
                   "ko": "TensorFlow 1.x와 2.x: 같은 층을 두 가지 방식으로"},
    "tfv_text": {"en": "TensorFlow 1.x worked in two steps. First you built a graph out of placeholders (empty slots "
                       "for the inputs) and operations; nothing was computed yet. Then you opened a session and "
                       "ran the graph, feeding NumPy arrays in and getting NumPy arrays back. TensorFlow 2.x "
                       "computes each operation as soon as Python reaches it (eager execution), much like NumPy; "
                       "when you want a graph again, wrap the function in tf.function and TensorFlow records the "
                       "graph for you on the first call. The 1.x style still runs in TensorFlow 2 through "
                       "tf.compat.v1, and that is how it runs here. The button asks the TensorFlow worker to run "
                       "one dense layer, softmax(x·W + b) on a batch of 32, all three ways, to time each way and "
                       "to check that they give the same numbers.",
                 "ko": "TensorFlow 1.x는 두 단계로 일했습니다. 먼저 플레이스홀더(입력이 들어갈 빈자리)와 연산으로 "
                       "그래프를 만듭니다. 이때는 아직 아무것도 계산하지 않습니다. 그다음 세션을 열어 그래프를 "
                       "실행하면서 NumPy 배열을 넣고 결과도 NumPy 배열로 받았습니다. TensorFlow 2.x는 NumPy처럼 "
                       "파이썬이 코드를 실행하는 그 자리에서 연산을 바로 계산합니다(즉시 실행, eager). 그래프가 다시 "
                       "필요하면 함수를 tf.function으로 감싸면 되고, 첫 호출 때 TensorFlow가 그래프를 대신 "
                       "기록합니다. 1.x 방식은 TensorFlow 2에서도 tf.compat.v1으로 여전히 돌아가며, 여기서도 그렇게 "
                       "실행합니다. 버튼을 누르면 TensorFlow 작업 프로세스가 Dense 층 하나, 곧 크기 32의 배치에 대한 "
                       "softmax(x·W + b)를 세 가지 방식으로 실행해 각각 시간을 재고, 결과가 같은지 확인합니다."},
    "tfv_run": {"en": "Run it the 1.x and the 2.x way", "ko": "1.x 방식과 2.x 방식으로 실행하기"},
    "tfv_status": {"en": "Running the 1.x and 2.x ways...", "ko": "1.x 방식과 2.x 방식으로 실행하는 중..."},
    "tfv_code_tf1": {"en": "TensorFlow 1.x: build a graph, then run it in a session",
                     "ko": "TensorFlow 1.x: 그래프를 만든 뒤 세션에서 실행"},
    "tfv_code_tf2": {"en": "TensorFlow 2.x: eager by default, tf.function for a graph",
                     "ko": "TensorFlow 2.x: 기본은 즉시 실행, 그래프가 필요하면 tf.function"},
    # The comments in the example's code (dlenv.measure.tfversions), as the page shows them
    # (dlenv.measure.tfversions.shown_code): "en" is the comment in the source, word for word
    # (a comment over two lines joined by a space); "\n" starts a new comment line.
    "tfv_cmt_v1": {"en": "the TensorFlow 1.x API", "ko": "TensorFlow 1.x API"},
    "tfv_cmt_build": {"en": "1. Build the graph: nothing runs yet.",
                      "ko": "1. 그래프를 만듭니다.\n아직 아무것도 실행되지 않습니다."},
    "tfv_cmt_run": {"en": "2. Run it: feed the inputs, fetch y.", "ko": "2. 실행: 입력을 넣고 y를 받습니다."},
    "tfv_cmt_eager": {"en": "Eager: each operation runs as soon as Python reaches it.",
                      "ko": "즉시 실행(eager): 파이썬이 각 연산을\n만나는 즉시 실행합니다."},
    "tfv_cmt_function": {"en": "tf.function: traced into a graph on its first call.",
                         "ko": "tf.function: 처음 호출할 때 추적되어\n그래프가 됩니다."},
    "tfv_way_session": {"en": "1.x Session.run", "ko": "1.x Session.run"},
    "tfv_way_eager": {"en": "2.x eager", "ko": "2.x 즉시 실행"},
    "tfv_way_function": {"en": "2.x tf.function", "ko": "2.x tf.function"},
    "tfv_chart": {"en": "One dense layer, 1.x and 2.x (CPU)", "ko": "Dense 층 하나, 1.x와 2.x 방식 (CPU)"},
    "tfv_col_way": {"en": "Way", "ko": "방식"},
    "tfv_outputs": {"en": "What each way computed for the first sample: the probabilities of its 10 classes",
                    "ko": "각 방식이 첫 번째 샘플에 대해 계산한 값: 클래스 10개의 확률"},
    "tfv_class": {"en": "class {n}", "ko": "클래스 {n}"},
    "tfv_agree": {"en": "The three ways agree: over all 32 × 10 outputs, the 2.x results differ from the 1.x "
                        "session's by at most {diff}, which is float32 rounding.",
                  "ko": "세 방식의 결과가 같습니다. 출력 32 × 10개 전체에서 2.x 결과와 1.x 세션 결과의 차이는 최대 "
                        "{diff}로, float32 반올림 오차 수준입니다."},
    "tfv_identical": {"en": "The three ways agree: all 32 × 10 outputs are exactly the same numbers.",
                      "ko": "세 방식의 결과가 같습니다. 출력 32 × 10개가 모두 정확히 같은 값입니다."},
    "tfv_disagree": {"en": "The results differ by up to {diff}, more than float32 rounding ({tolerance}): the ways "
                           "did not compute the same thing.",
                     "ko": "결과가 최대 {diff}만큼 달라 float32 반올림 오차({tolerance})보다 큽니다. 세 방식이 같은 "
                           "계산을 하지 않았습니다."},
    "tfv_takeaway": {"en": "Here one call took {session} as a 1.x session, {eager} eager and {function} as a "
                           "tf.function (medians): the fastest way, {fastest}, was {ratio:.1f}× as fast as the "
                           "slowest, {slowest}.",
                     "ko": "여기서 호출 한 번에 걸린 시간(중앙값)은 1.x 세션 {session}, 즉시 실행 {eager}, "
                           "tf.function {function}입니다. 가장 빠른 방식({fastest})이 가장 느린 방식({slowest})보다 "
                           "{ratio:.1f}배 빨랐습니다."},
    "tfv_why": {"en": "Why they differ. On every call Session.run copies the fed NumPy arrays into tensors and the "
                      "result back into a NumPy array, and looks up which part of the graph the given inputs "
                      "and the wanted output need. Eager execution makes one trip from Python into TensorFlow "
                      "per operation, three here. A tf.function makes one trip for the whole graph. With three operations on small matrices, "
                      "these fixed costs are nearly the whole time; with large matrices the arithmetic dominates "
                      "and the three ways come close. Each first call is slower: the session prepares and "
                      "optimises its graph, and tf.function traces the Python function.",
                "ko": "차이가 나는 이유. Session.run은 호출할 때마다 넣어 준 NumPy 배열을 텐서로 복사하고, 결과를 다시 "
                      "NumPy 배열로 복사하며, 넣은 입력과 받을 출력에 필요한 그래프 부분을 찾습니다. 즉시 실행은 연산마다 "
                      "파이썬에서 TensorFlow로 한 번씩 다녀옵니다(여기서는 세 번). tf.function은 그래프 전체를 한 "
                      "번에 다녀옵니다. 작은 행렬에 연산이 세 개뿐이면 이런 고정 비용이 시간의 거의 전부이고, 행렬이 "
                      "크면 계산 자체가 대부분이 되어 세 방식의 차이가 줄어듭니다. 첫 호출은 모두 더 느립니다. "
                      "세션은 그래프를 준비하고 최적화하며, tf.function은 파이썬 함수를 트레이싱하기 때문입니다."},
    "tfv_function_slower": {"en": "Here tf.function was slower than eager. Calling a graph has a fixed cost of its "
                                  "own: the arguments are matched against the traced graph and the graph's "
                                  "executor is started. Three small operations save less time than that costs. "
                                  "The function of the example above, with a dozen operations, gives the graph more "
                                  "to save.",
                            "ko": "여기서는 tf.function이 즉시 실행보다 느렸습니다. 그래프를 호출하는 데에도 고정 비용이 "
                                  "듭니다. 인자를 트레이싱된 그래프와 맞춰 보고, 그래프 실행기를 시작해야 합니다. 작은 "
                                  "연산 세 개로 아끼는 시간은 이 비용보다 적습니다. 연산이 열 개가 넘는 위 예제의 "
                                  "함수에서는 그래프가 아낄 시간이 더 많습니다."},
    "tfv_noisy": {"en": "{mark} the samples of this timing were widely spread (another program may have used the "
                        "CPU meanwhile): compare its median with care.",
                  "ko": "{mark} 이 측정은 샘플의 편차가 컸습니다(그동안 다른 프로그램이 CPU를 썼을 수 있습니다). "
                        "중앙값을 비교할 때 주의하세요."},
    "tfv_isolated": {"en": "The 1.x graph was built in a tf.Graph() of its own and its session closed afterwards, so "
                           "the worker stayed in eager mode for its other work.",
                     "ko": "1.x 그래프는 따로 만든 tf.Graph() 안에 두었고 세션은 끝난 뒤 닫았습니다. 그래서 작업 "
                           "프로세스는 다른 작업을 계속 즉시 실행 모드로 합니다."},
    "tfv_leaked": {"en": "The worker left eager mode after the 1.x example; measurements after it may be affected.",
                   "ko": "1.x 예제 뒤에 작업 프로세스가 즉시 실행 모드를 벗어났습니다. 이후 측정이 영향을 받을 수 "
                         "있습니다."},
    "tfk_header": {"en": "tf.keras or import keras?", "ko": "`tf.keras`와 `import keras`"},
    "tfk_text": {"en": "Keras began as a library of its own, was then shipped inside TensorFlow as tf.keras, and "
                       "since Keras 3 (November 2023) is again a separate package that runs on several backends. "
                       "From TensorFlow 2.16 (March 2024) both names give the same Keras 3: "
                       "`from tensorflow import keras` and `import keras` load one library. Code that still needs "
                       "Keras 2 installs the tf_keras package (`import tf_keras`); with it installed, setting "
                       "TF_USE_LEGACY_KERAS=1 points tf.keras there too. This installation has:",
                 "ko": "Keras는 독립 라이브러리로 출발해 TensorFlow 안에 tf.keras로 들어갔고, Keras 3(2023년 11월)부터는 "
                       "여러 백엔드에서 돌아가는 별도 패키지로 다시 나왔습니다. TensorFlow 2.16(2024년 3월)부터는 두 "
                       "이름이 같은 Keras 3를 가리킵니다. `from tensorflow import keras`와 `import keras`는 같은 "
                       "라이브러리를 불러옵니다. 아직 Keras 2가 필요한 코드는 tf_keras 패키지를 설치해 "
                       "`import tf_keras`로 쓰고, 그 패키지가 있을 때 TF_USE_LEGACY_KERAS=1을 설정하면 tf.keras도 "
                       "그쪽을 가리킵니다. 이 설치 환경에는 다음이 있습니다."},
    "tfk_col_code": {"en": "You write", "ko": "코드"},
    "tfk_col_means": {"en": "What you get here", "ko": "여기서 불러오는 것"},
    "tfk_col_version": {"en": "Version", "ko": "버전"},
    "tfk_keras3": {"en": "Keras 3 (multi-backend)", "ko": "Keras 3 (멀티 백엔드)"},
    "tfk_keras2": {"en": "Keras 2 (tf_keras package, TensorFlow only)", "ko": "Keras 2 (tf_keras 패키지, TensorFlow 전용)"},
    "tfk_bundled2": {"en": "Keras 2, shipped with TensorFlow", "ko": "TensorFlow와 함께 배포된 Keras 2"},
    "tfk_missing": {"en": "not installed", "ko": "설치되지 않음"},
    "tfk_worker_same": {"en": "Checked in the TensorFlow worker: tf.keras reports version {tf_keras}, keras reports "
                              "{keras}, and tf.keras.layers.Dense is the very same class as keras.layers.Dense.",
                        "ko": "TensorFlow 작업 프로세스에서 확인했습니다. tf.keras의 버전은 {tf_keras}, keras의 버전은 "
                              "{keras}이고, tf.keras.layers.Dense와 keras.layers.Dense는 완전히 같은 클래스입니다."},
    "tfk_worker_different": {"en": "Checked in the TensorFlow worker: tf.keras reports version {tf_keras}, keras "
                                   "reports {keras}, and their Dense layers are different classes.",
                             "ko": "TensorFlow 작업 프로세스에서 확인했습니다. tf.keras의 버전은 {tf_keras}, keras의 "
                                   "버전은 {keras}이고, 두 Dense 층은 서로 다른 클래스입니다."},
    "eng_header": {"en": "Keras's backend engines, then and now", "ko": "Keras의 백엔드 엔진: 예전과 지금"},
    "eng_text": {"en": "Keras describes the model; a backend engine does the tensor arithmetic on the chip. Over the "
                       "years Keras has run on six engines. The last column says which are installed here; dlenv "
                       "measures with TensorFlow, JAX and PyTorch.",
                 "ko": "모델은 Keras로 정의하고, 텐서 계산은 백엔드 엔진이 칩에서 실행합니다. 그동안 Keras가 쓴 엔진은 "
                       "여섯 가지입니다. 마지막 열은 이 컴퓨터에 설치된 엔진을 표시합니다. dlenv는 TensorFlow, JAX, "
                       "PyTorch로 측정합니다."},
    "eng_col_engine": {"en": "Engine", "ko": "엔진"},
    "eng_col_maker": {"en": "Made by", "ko": "개발"},
    "eng_col_years": {"en": "With Keras", "ko": "Keras에서 쓴 기간"},
    "eng_col_status": {"en": "Status", "ko": "상태"},
    "eng_col_fact": {"en": "In one line", "ko": "한 줄 요약"},
    "eng_col_here": {"en": "Installed here", "ko": "이 컴퓨터에 설치"},
    "eng_status_retired": {"en": "retired", "ko": "개발 종료"},
    "eng_status_current": {"en": "current", "ko": "지원 중"},
    "eng_status_inference": {"en": "current, inference only", "ko": "지원 중 (추론 전용)"},
    "eng_here_yes": {"en": "✓ installed", "ko": "✓ 설치됨"},
    "eng_here_no": {"en": "–", "ko": "–"},
    "eng_fact_theano": {"en": "Keras's first engine (2015); its makers ended development with version 1.0 "
                              "(announced September 2017).",
                        "ko": "Keras의 첫 엔진입니다(2015년). 개발진이 1.0 버전을 끝으로 개발을 마쳤습니다(2017년 9월 "
                              "발표)."},
    "eng_fact_cntk": {"en": "Microsoft's toolkit, a Keras engine from CNTK 2.0 (June 2017); 2.7 (April 2019) was "
                            "its last main release.",
                      "ko": "Microsoft의 툴킷으로, CNTK 2.0(2017년 6월)부터 Keras 엔진이 되었습니다. 2.7(2019년 4월)이 "
                            "마지막 주요 릴리스입니다."},
    "eng_fact_tensorflow": {"en": "An engine since December 2015; Keras 2.4 to 2.15 (2020–2023) ran on TensorFlow "
                                  "only; one of Keras 3's engines today.",
                            "ko": "2015년 12월부터 엔진이었고, Keras 2.4–2.15(2020–2023년)는 TensorFlow에서만 "
                                  "돌아갔습니다. 지금은 Keras 3의 엔진 가운데 하나입니다."},
    "eng_fact_jax": {"en": "Google's NumPy-like library compiled by XLA; an engine since Keras 3.0 (November 2023).",
                     "ko": "XLA로 컴파일하는 Google의 NumPy 스타일 라이브러리로, Keras 3.0(2023년 11월)부터 "
                           "엔진입니다."},
    "eng_fact_torch": {"en": "The framework Meta created, now run by the PyTorch Foundation; an engine since Keras "
                             "3.0 (November 2023).",
                       "ko": "Meta가 만들고 지금은 PyTorch 재단이 이끄는 프레임워크로, Keras 3.0(2023년 11월)부터 "
                             "엔진입니다."},
    "eng_fact_openvino": {"en": "Intel's inference toolkit for CPUs, GPUs and NPUs; from Keras 3.8 (January 2025) it "
                                "runs trained models but cannot train them.",
                          "ko": "CPU, GPU, NPU용 Intel 추론 도구로, Keras 3.8(2025년 1월)부터 학습된 모델을 실행할 수 "
                                "있지만 학습은 하지 못합니다."},
    "feed_header": {"en": "The CPU feeds the GPU", "ko": "GPU가 할 일은 CPU가 챙깁니다"},
    "feed_text": {"en": "A GPU does not run a program by itself. The CPU runs the Python code, reads and decodes the "
                        "data, cuts it into batches and hands each operation to the GPU, which works through that "
                        "queue. When the CPU cannot get the next batch ready or hand over the next operation in "
                        "time, the GPU waits, however fast it is. Input pipelines exist for this: tf.data with "
                        "prefetch, or PyTorch's DataLoader with worker processes, let the CPU prepare batch n + 1 "
                        "while the GPU computes batch n. Three places in dlenv show the CPU's share: the Training "
                        "page, which trains the same model fed three ways (arrays already in memory, images "
                        "decoded batch by batch, and the same prepared in parallel ahead of time); the eager "
                        "example above, where most of the time goes to Python handing out small operations; and "
                        "the naive timing on the Matrix multiply page, which stops the clock once the CPU has "
                        "handed the work over rather than when the device has finished it.",
                  "ko": "GPU는 혼자서 프로그램을 실행하지 않습니다. CPU가 파이썬 코드를 실행하고, 데이터를 읽어 "
                        "디코딩하고, 배치로 나눈 뒤 연산을 하나씩 GPU에 넘기면 GPU가 넘겨받은 순서대로 처리합니다. "
                        "CPU가 다음 배치를 제때 준비하지 못하거나 다음 연산을 제때 넘기지 못하면, GPU는 아무리 빨라도 "
                        "기다려야 합니다. 입력 파이프라인은 이 때문에 있습니다. 미리 가져오기(`prefetch`)를 쓰는 tf.data나 작업자 "
                        "프로세스를 쓰는 PyTorch `DataLoader`를 쓰면, GPU가 n번째 배치를 계산하는 동안 CPU가 n + 1번째 "
                        "배치를 준비합니다. dlenv에서 CPU의 몫을 볼 수 있는 곳은 세 군데입니다. 학습 페이지는 같은 모델을 "
                        "세 가지 방식(메모리에 올려 둔 배열, 배치마다 이미지 디코딩, 같은 일을 병렬로 미리 준비)으로 "
                        "공급하며 학습합니다. 위의 즉시 실행 예제에서는 시간 대부분이 파이썬이 작은 연산을 하나씩 넘기는 "
                        "데 들어갑니다. 행렬 곱셈 페이지의 naive 측정은 장치가 일을 끝냈을 때가 아니라 CPU가 일을 "
                        "넘겼을 때 시계를 멈춥니다."},
    "feed_link_training": {"en": "Training: the same training fed three ways (arrays, streamed, prefetched)",
                           "ko": "학습: 같은 학습을 세 가지 방식(배열, 스트리밍, 미리 준비)으로 공급하기"},
    "feed_link": {"en": "Matrix multiply: naive and synced timings", "ko": "행렬 곱셈: naive 측정과 동기화 측정"},
    # --- the Colab round trip (dlenv/ui/colab.py) ---------------------------------------
    "colab_line": {"en": "No GPU here? Measure on a free Colab GPU: open the notebook in Colab, choose Runtime → "
                         "Change runtime type → T4 GPU, then Runtime → Run all. It downloads {file}; import that "
                         "file on the Results page.",
                   "ko": "여기에 GPU가 없나요? Colab의 무료 GPU로 측정하세요. Colab에서 노트북을 열고 런타임 → 런타임 "
                         "유형 변경 → T4 GPU를 고른 뒤 런타임 → 모두 실행을 누릅니다. 노트북이 {file} 파일을 "
                         "내려받으면, 결과 페이지에서 그 파일을 가져오세요."},
    "colab_sweep": {"en": "The notebook measures {workloads} at sizes {sizes}, {dtype}, with {backend}, on {devices}. "
                          "Its first cell holds these values: change them there.",
                    "ko": "노트북은 {workloads}를 크기 {sizes}, {dtype}, {backend} 백엔드로 {devices}에서 측정합니다. "
                          "이 값들은 노트북의 첫 번째 셀에 있으니 거기서 바꾸면 됩니다."},
    "colab_open": {"en": "Open the notebook in Colab", "ko": "Colab에서 노트북 열기"},
    "colab_download": {"en": "Download the notebook for Colab", "ko": "Colab용 노트북 내려받기"},
    "colab_upload_hint": {"en": "In Colab choose File → Upload notebook and pick the downloaded file. dlenv travels "
                                "inside it, so nothing else is needed.",
                          "ko": "Colab에서 파일 → 노트북 업로드를 누르고 내려받은 파일을 고르세요. dlenv가 노트북 안에 "
                                "들어 있어 다른 준비는 필요 없습니다."},
    "colab_stock_hint": {"en": "The link opens the project's notebook with the default sweep; the download carries "
                               "the sweep chosen here.",
                         "ko": "링크는 기본 측정 조합이 든 프로젝트의 노트북을 엽니다. 내려받은 노트북에는 여기서 고른 "
                               "조합이 들어 있습니다."},
    "colab_no_notebook": {"en": "The Colab notebook is not part of this installation ({path}).",
                          "ko": "이 설치본에는 Colab 노트북이 없습니다({path})."},
    "colab_bad_setting": {"en": "The repository setting cannot be used, so the notebook is offered as a download: "
                                "{message}",
                          "ko": "저장소 설정을 쓸 수 없어 노트북을 내려받기로 제공합니다: {message}"},
    "res_imported": {"en": "Imported {name}: {count} results from {machines}.",
                     "ko": "{name} 파일을 가져왔습니다: {machines}에서 잰 결과 {count}개."},
    # --- results page ----------------------------------------------------------------
    "page_results": {"en": "Results", "ko": "결과"},
    "res_title": {"en": "Saved results", "ko": "저장된 결과"},
    "res_intro": {"en": "Everything measured here or brought in from elsewhere (a Colab GPU, a classmate's "
                        "laptop) lives in one database: {db}. Filter it, compare runs in one chart, download them.",
                  "ko": "여기서 잰 결과와 다른 곳(Colab GPU, 친구의 노트북 컴퓨터)에서 가져온 결과가 모두 한 데이터베이스에 "
                        "있습니다: {db}. 필터로 골라 보고, 한 차트에서 비교하고, 내려받을 수 있습니다."},
    "res_save_failed": {"en": "Not saved, the save was rolled back: {message}. Results stored before are kept.",
                        "ko": "저장하지 못해 되돌렸습니다: {message}. 이전에 저장한 결과는 그대로 있습니다."},
    "res_db_error": {"en": "The results database cannot be used: {message}",
                     "ko": "결과 데이터베이스를 쓸 수 없습니다: {message}"},
    "res_save_session": {"en": "Save this session's {count} measurements",
                         "ko": "이 세션의 측정 {count}개 저장"},
    "res_saved": {"en": "Saved: {added} new, {duplicates} already stored.",
                  "ko": "저장됨: 새 결과 {added}개, 이미 있던 결과 {duplicates}개."},
    "res_import": {"en": "Import a results file (JSON or CSV from the command line or the Colab notebook)",
                   "ko": "결과 파일 가져오기 (명령줄이나 Colab 노트북에서 만든 JSON 또는 CSV)"},
    "res_bad_file": {"en": "{name} was not imported, nothing from it was stored: {message}",
                     "ko": "{name} 파일을 가져오지 않았고 아무것도 저장하지 않았습니다: {message}"},
    "res_reference": {"en": "Load the reference results", "ko": "참고 결과 불러오기"},
    "res_reference_help": {"en": "The sets bundled with dlenv: real measurements of reference machines, and "
                                 "published GPU measurements with their sources (`python -m dlenv reference list`).",
                           "ko": "dlenv에 들어 있는 결과입니다. 기준 컴퓨터에서 실제로 측정한 값과, 출처가 있는 "
                                 "공개된 GPU 측정값입니다 (`python -m dlenv reference list`)."},
    "res_empty": {"en": "No results stored yet: run a measurement, import a file or load the reference results.",
                  "ko": "아직 저장된 결과가 없습니다. 측정을 하거나 파일을 가져오거나 참고 결과를 불러오세요."},
    "res_filter_workload": {"en": "Workload", "ko": "작업"},
    "res_filter_machine": {"en": "Machine", "ko": "컴퓨터"},
    "res_filter_backend": {"en": "Backend", "ko": "백엔드"},
    "res_filter_device": {"en": "Device", "ko": "장치"},
    "res_count": {"en": "{shown} of {total} stored results", "ko": "저장된 결과 {total}개 중 {shown}개"},
    "res_compare": {"en": "Compare machines: matrix multiply", "ko": "컴퓨터 비교: 행렬 곱셈"},
    "res_filter_provenance": {"en": "Provenance", "ko": "출처"},
    "res_series": {"en": "Series to compare (device · backend, and where each number comes from)",
                   "ko": "비교할 계열 (장치 · 백엔드, 각 수치의 출처)"},
    "res_baseline": {"en": "Compared against", "ko": "비교 기준"},
    "res_pick_two": {"en": "Pick at least two series to compare. Load the reference results or import a "
                           "Colab file to have a GPU here.",
                     "ko": "비교할 계열을 두 개 이상 고르세요. 기준 결과를 불러오거나 Colab 파일을 가져오면 "
                           "GPU 결과도 함께 볼 수 있습니다."},
    "res_speedup": {"en": "Speedup over {baseline}", "ko": "{baseline} 대비 속도 향상"},
    "res_download_json": {"en": "Download the selection (JSON)", "ko": "고른 결과 내려받기 (JSON)"},
    "res_download_csv": {"en": "Download the selection (CSV)", "ko": "고른 결과 내려받기 (CSV)"},
    # --- what a "float32" matmul ran as (dlenv.precision): Matrix multiply and Backends pages ---
    "strict_float32": {"en": "Strict float32 (no TF32)", "ko": "엄격한 float32 (TF32 사용 안 함)"},
    "strict_float32_help": {
        "en": "On NVIDIA GPUs from the A100 (compute capability 8.0) on, TensorFlow and JAX multiply float32 "
              "matrices in TF32 by default, and on a TPU in one bfloat16 pass: faster, but with fewer mantissa "
              "bits. On, this runs them in full float32, as PyTorch does by default. A CPU computes float32 "
              "either way.",
        "ko": "A100(연산 능력 8.0) 이후의 NVIDIA GPU에서 TensorFlow와 JAX는 float32 행렬 곱셈을 기본적으로 TF32로, "
              "TPU에서는 bfloat16 한 번으로 계산합니다. 더 빠르지만 가수 비트가 적습니다. 켜면 PyTorch의 기본값처럼 "
              "온전한 float32로 계산합니다. CPU는 어느 쪽이든 float32로 계산합니다."},
    "backends_precision": {
        "en": "The same \"float32\" is not the same computation on every backend. On an NVIDIA GPU from the A100 "
              "on, TensorFlow and JAX multiply float32 matrices in TF32 by default (10 mantissa bits instead of 23, "
              "several times faster) while PyTorch keeps full float32; on a TPU, JAX uses one bfloat16 pass. Each "
              "result records what it ran as, and the Matrix multiply page can switch TF32 off.",
        "ko": "같은 \"float32\"라도 백엔드마다 같은 계산이 아닙니다. A100 이후의 NVIDIA GPU에서 TensorFlow와 JAX는 "
              "float32 행렬 곱셈을 기본적으로 TF32로 계산하고(가수 23비트 대신 10비트, 몇 배 빠름) PyTorch는 온전한 "
              "float32를 유지합니다. TPU에서 JAX는 bfloat16 한 번으로 계산합니다. 결과마다 실제로 어떻게 계산했는지 "
              "기록하며, 행렬 곱셈 페이지에서 TF32를 끌 수 있습니다."},
    "backends_precision_ran": {"en": "What float32 ran as here: {ran}.",
                               "ko": "여기서 float32가 실제로 계산된 방식: {ran}."},
    # --- progress headings, presenter mode (dlenv/ui/jobs.py, dlenv/ui/presenter.py) -----------
    "job_waiting": {"en": "Waiting (position {position})", "ko": "대기 중 ({position}번째)"},
    "job_waiting_machine": {"en": "Waiting (next, after another measurement)",
                            "ko": "대기 중 (다른 측정이 끝나면 바로 시작)"},
    "presenter_mode": {"en": "Presenter mode", "ko": "발표 모드"},
    "presenter_help": {"en": "Large text for a projector, without the sidebar and toolbar. The address "
                             "?presenter=1 opens the app this way.",
                       "ko": "프로젝터용으로 글자를 키우고 사이드바와 도구 모음을 숨깁니다. 주소 끝에 ?presenter=1을 "
                             "붙이면 처음부터 이 모드로 열립니다."},
    "presenter_leave": {"en": "Leave presenter mode", "ko": "발표 모드 끝내기"},
    "presenter_replay": {"en": "Replay stored results instead of measuring",
                         "ko": "측정하지 않고 저장된 결과 다시 보여 주기"},
    "presenter_replay_help": {"en": "For a slow or busy server: a Run button shows the newest stored results of "
                                    "the same measurement (run earlier on this server, or saved in the database), "
                                    "marked as a replay with the time they were measured.",
                              "ko": "서버가 느리거나 바쁠 때 씁니다. 실행 버튼을 누르면 같은 측정의 가장 최근 저장 결과"
                                    "(이 서버에서 앞서 실행했거나 데이터베이스에 저장한 것)를 측정한 시각과 함께 "
                                    "다시 보기로 표시해 보여 줍니다."},
    "replayed": {"en": "Replay: results measured at {when}, shown again instead of measuring now.",
                 "ko": "다시 보기: {when}에 측정한 결과이며, 지금 새로 측정하지 않았습니다."},
    "replay_none": {"en": "Nothing stored to replay for this request: measuring it now.",
                    "ko": "이 요청에는 다시 보여 줄 저장 결과가 없어 지금 측정합니다."},
    # --- tables for people and errors in the page's language (dlenv/ui/tables.py, dlenv/ui/messages.py) ---
    "col_label": {"en": "What", "ko": "측정 대상"},
    "col_machine": {"en": "Machine", "ko": "컴퓨터"},
    "col_device": {"en": "Device", "ko": "장치"},
    "col_device_name": {"en": "Device name", "ko": "장치 이름"},
    "col_backend": {"en": "Backend", "ko": "백엔드"},
    "col_dtype": {"en": "Data type", "ko": "데이터 타입"},
    "col_timing": {"en": "Timing", "ko": "시간 재는 방식"},
    "col_median": {"en": "Time per call", "ko": "호출당 시간"},
    "col_median_help": {"en": "The median of the timed samples, per call. ⚠: the samples are widely spread (noisy). "
                              "◔: other programs used the CPU while it was timed (busy).",
                        "ko": "측정한 표본들의 중앙값(호출 한 번 기준)입니다. ⚠: 표본이 크게 흩어져 있습니다. "
                              "◔: 측정하는 동안 다른 프로그램이 CPU를 썼습니다."},
    "col_iqr": {"en": "Spread (IQR)", "ko": "흩어짐 (IQR)"},
    "col_iqr_help": {"en": "Interquartile range: the middle half of the samples lies within this width.",
                     "ko": "사분위 범위: 표본의 가운데 절반이 이 폭 안에 있습니다."},
    "col_gflops": {"en": "GFLOP/s", "ko": "GFLOP/s"},
    "col_gflops_help": {"en": "Billions of floating-point operations per second.",
                        "ko": "1초에 하는 부동소수점 연산 수(10억 단위)입니다."},
    "col_gbps": {"en": "GB/s", "ko": "GB/s"},
    "col_pct": {"en": "% of peak", "ko": "최고 성능 대비 %"},
    "col_pct_help": {"en": "GFLOP/s as a share of the device's peak for this data type (datasheet, CPU estimate "
                           "or measured ceiling).",
                     "ko": "이 데이터 타입에서 장치가 낼 수 있는 최고 성능(데이터시트, CPU 추정치 또는 측정한 "
                           "상한) 대비 GFLOP/s의 비율입니다."},
    "col_provenance": {"en": "Provenance", "ko": "출처"},
    "col_provenance_help": {"en": "Where the number comes from: measured here, imported from a file, a bundled "
                                  "reference, a published figure or a prediction from a datasheet.",
                            "ko": "수치가 어디서 왔는지: 여기서 측정, 파일에서 가져옴, 함께 제공된 기준 측정값, "
                                  "공개된 측정값, 데이터시트로 예측."},
    "col_first": {"en": "First call", "ko": "첫 호출"},
    "col_samples": {"en": "Samples/s", "ko": "초당 샘플 수"},
    "col_threads": {"en": "Threads", "ko": "스레드 수"},
    "col_n": {"en": "Timed samples", "ko": "측정 횟수"},
    "col_other_cpu": {"en": "Other programs' CPU", "ko": "다른 프로그램의 CPU 사용"},
    "col_bound": {"en": "Limited by", "ko": "한계 요인"},
    "mark_noisy": {"en": "{mark} noisy: the samples are widely spread, so this time is uncertain.",
                   "ko": "{mark} 흩어짐 큼: 표본이 크게 흩어져 있어 이 시간은 불확실합니다."},
    "mark_busy": {"en": "{mark} busy: other programs used the CPU while this was timed, so it is slower than "
                        "the code is.",
                  "ko": "{mark} 바쁨: 측정하는 동안 다른 프로그램이 CPU를 써서 코드 자체보다 느리게 나왔습니다."},
    "mark_over_peak": {"en": "{mark} above the estimated peak: the estimate multiplies the clock the system reports "
                             "(a base clock, or what a virtual machine shows) and the chip ran faster (boost "
                             "clock). The estimate is too low, not the timing.",
                       "ko": "{mark} 추정 최고 성능보다 높음: 추정값은 시스템이 알려 주는 클럭(기본 클럭이나 가상 "
                             "머신이 보여 주는 값)으로 계산하는데, 칩은 그보다 빠르게(부스트 클럭으로) 돌았습니다. "
                             "측정이 아니라 추정값이 낮은 것입니다."},
    "table_more": {"en": "More columns ({columns}) are in the table's column menu (the eye icon above it).",
                   "ko": "다른 열({columns})은 표 위의 열 표시 메뉴(눈 모양 아이콘)에서 볼 수 있습니다."},
    "timing_synced": {"en": "synced", "ko": "동기화"},
    "timing_naive": {"en": "naive", "ko": "동기화 없음"},
    "bound_word_compute": {"en": "compute", "ko": "연산"},
    "bound_word_memory": {"en": "memory", "ko": "메모리"},
    "bound_word_overhead": {"en": "overhead", "ko": "고정 비용"},
    "peak_src_spec": {"en": "spec", "ko": "사양"},
    "peak_src_estimate": {"en": "estimate", "ko": "추정"},
    "peak_src_measured": {"en": "measured", "ko": "측정"},
    "wl_matmul": {"en": "matmul", "ko": "행렬 곱셈"},
    "wl_elementwise": {"en": "elementwise", "ko": "원소별 연산"},
    "wl_elementwise_add": {"en": "elementwise add", "ko": "원소별 덧셈"},
    "wl_elementwise_multiply": {"en": "elementwise multiply", "ko": "원소별 곱셈"},
    "wl_mlp": {"en": "MLP", "ko": "MLP"},
    "wl_cnn": {"en": "CNN", "ko": "CNN"},
    "wl_depth": {"en": "depth {n}", "ko": "깊이 {n}"},
    "wl_width": {"en": "width {n}", "ko": "너비 {n}"},
    "wl_filters": {"en": "filters {n}", "ko": "필터 {n}"},
    "wl_image": {"en": "image {n}", "ko": "이미지 {n}"},
    "wl_batch": {"en": "batch {n}", "ko": "배치 {n}"},
    "wl_epochs": {"en": "{n} epochs", "ko": "{n}에포크"},
    "ds_digits": {"en": "digits", "ko": "8×8 손글씨 숫자"},
    "ds_mnist": {"en": "MNIST", "ko": "MNIST"},
    "ds_fashion_mnist": {"en": "Fashion-MNIST", "ko": "Fashion-MNIST"},
    "version_build": {"en": "{versions}: the versions it was built for, not a GPU that is here (none was found)",
                      "ko": "{versions}: 빌드할 때 쓴 버전일 뿐이며, 여기서 GPU는 찾지 못했습니다"},
    "field_size": {"en": "size", "ko": "크기"},
    "field_m": {"en": "size", "ko": "크기"},
    "field_n": {"en": "size", "ko": "크기"},
    "field_k": {"en": "size", "ko": "크기"},
    "field_depth": {"en": "depth", "ko": "깊이"},
    "field_width": {"en": "width", "ko": "너비"},
    "field_batch": {"en": "batch size", "ko": "배치 크기"},
    "field_filters": {"en": "filters", "ko": "필터 수"},
    "depth_cnn": {"en": "Depth (convolution layers)", "ko": "깊이 (합성곱 층 수)"},
    "layer_type": {"en": "Type", "ko": "종류"},
    "layer_shape": {"en": "Output shape", "ko": "출력 모양"},
    "layer_note": {"en": "FLOPs count the multiply-adds of each layer (2 per multiply-add); bias, activation and "
                         "pooling are left out, as they are small beside them.",
                   "ko": "FLOPs는 층마다 곱셈-덧셈을 센 값입니다(곱셈-덧셈 하나에 2). 편향, 활성화 함수, 풀링은 "
                         "그에 비해 작아서 넣지 않았습니다."},
    "placeholder_pick": {"en": "Choose", "ko": "선택하세요"},
    "placeholder_all": {"en": "All", "ko": "전체"},
    "err_original": {"en": "The original message (English)", "ko": "원래 메시지 (영어)"},
    "err_matrix_limit": {"en": "matrix size {size} is over this machine's limit; the largest allowed is {limit}",
                         "ko": "행렬 크기 {size}은(는) 이 컴퓨터의 한도를 넘습니다. 허용되는 최대 크기는 {limit}입니다"},
    "err_tensor_limit": {"en": "tensor size {size} is over this machine's limit; the largest allowed is {limit}",
                         "ko": "텐서 크기 {size}은(는) 이 컴퓨터의 한도를 넘습니다. 허용되는 최대 크기는 {limit}입니다"},
    "err_model_limit": {"en": "{label} needs about {mb} MB, over this machine's limit of {limit} MB",
                        "ko": "{label}에는 약 {mb} MB가 필요해 이 컴퓨터의 한도 {limit} MB를 넘습니다"},
    "err_worker_memory": {"en": "{label} needs about {mb} MB on top of the {backend} process's {base} MB, over "
                                "this deployment's {limit} MB per measuring process",
                          "ko": "{label}에는 {backend} 프로세스의 {base} MB 외에 약 {mb} MB가 더 필요해, 측정 "
                                "프로세스 하나에 허용된 {limit} MB를 넘습니다"},
    "err_device_memory_size": {"en": "{label} needs about {need} but {device} has {free} free; the largest size "
                                     "that fits is {size}",
                               "ko": "{label}에는 약 {need}가 필요하지만 {device}에 남은 메모리는 {free}입니다. "
                                     "들어가는 최대 크기는 {size}입니다"},
    "err_device_memory_model": {"en": "{label} needs about {need} but {device} has {free} free",
                                "ko": "{label}에는 약 {need}가 필요하지만 {device}에 남은 메모리는 {free}입니다"},
    "err_missing_device": {"en": "no {token} device found by the {backend} backend here; available: {have}",
                           "ko": "{backend} 백엔드가 여기서 {token} 장치를 찾지 못했습니다. 쓸 수 있는 장치: {have}"},
    "err_out_of_memory": {"en": "{label} ran out of memory on {device}",
                          "ko": "{label}을(를) {device}에서 실행하다가 메모리가 부족해졌습니다"},
    "err_no_such_device": {"en": "there is no device {device} for the {backend} backend here",
                           "ko": "여기에는 {backend} 백엔드가 쓸 수 있는 {device} 장치가 없습니다"},
    "err_task_failed": {"en": "{label} failed on {device} (the framework's message is below)",
                        "ko": "{label}을(를) {device}에서 실행하지 못했습니다 (프레임워크의 메시지는 아래에 있습니다)"},
    "err_start_timeout": {"en": "the {backend} backend did not start within {s} s",
                          "ko": "{backend} 백엔드가 {s}초 안에 시작되지 않았습니다"},
    "err_timeout": {"en": "the measurement took longer than its {s} s limit and was stopped",
                    "ko": "측정이 제한 시간 {s}초를 넘겨 중단했습니다"},
    "err_killed": {"en": "the operating system stopped the {backend} measuring process ({signal}); this usually "
                         "means it ran out of memory",
                   "ko": "운영체제가 {backend} 측정 프로세스를 멈췄습니다({signal}). 보통 메모리가 부족했다는 "
                         "뜻입니다"},
    "err_crashed": {"en": "the {backend} measuring process stopped (exit code {code}; its message is below)",
                    "ko": "{backend} 측정 프로세스가 멈췄습니다 (종료 코드 {code}, 원래 메시지는 아래에 있습니다)"},
    "err_protocol": {"en": "the {backend} measuring process sent something that is not a dlenv message (shown below)",
                     "ko": "{backend} 측정 프로세스가 dlenv 메시지가 아닌 것을 보냈습니다 (아래에 원문이 있습니다)"},
    "err_cancelled": {"en": "Cancelled.", "ko": "취소했습니다."},
    "err_shut_down": {"en": "the runner shut down", "ko": "측정 관리자가 종료되었습니다"},
    "err_shutting_down": {"en": "the runner is shutting down; try again in a moment",
                          "ko": "측정 관리자가 종료하는 중입니다. 잠시 뒤에 다시 해 보세요"},
    "err_quota": {"en": "you already have {count} measurements waiting; wait for them or cancel one",
                  "ko": "이미 측정 {count}개가 기다리고 있습니다. 끝날 때까지 기다리거나 하나를 취소하세요"},
    "err_queue_full": {"en": "the machine is busy with other people's measurements; try again in a minute",
                       "ko": "이 컴퓨터가 다른 사람들의 측정으로 바쁩니다. 1분 뒤에 다시 해 보세요"},
    "err_range": {"en": "{field} must be from {lo} to {hi}, got {value}",
                  "ko": "{field} 값은 {lo}부터 {hi}까지여야 하는데 {value}입니다"},
    "err_choice": {"en": "{field} must be one of {allowed}, got {value}",
                   "ko": "{field} 값은 {allowed} 중 하나여야 하는데 {value}입니다"},
    "err_graph_backend": {"en": "the graph example needs the tensorflow backend, not {backend}",
                          "ko": "그래프 예제는 {backend}가 아니라 TensorFlow 백엔드가 필요합니다"},
    "err_kind_missing_backend": {"en": "This backend is not installed here.",
                                 "ko": "이 백엔드는 여기에 설치되어 있지 않습니다."},
    "err_kind_refused": {"en": "This measurement is not allowed here.", "ko": "이 측정은 여기서 할 수 없습니다."},
    "err_kind_timeout": {"en": "The measurement took too long and was stopped.",
                         "ko": "측정이 너무 오래 걸려 중단했습니다."},
    "err_kind_killed": {"en": "The measuring process was stopped by the operating system.",
                        "ko": "운영체제가 측정 프로세스를 멈췄습니다."},
    "err_kind_crashed": {"en": "The measuring process stopped unexpectedly.",
                         "ko": "측정 프로세스가 예기치 않게 멈췄습니다."},
    "err_kind_bad_request": {"en": "The measuring process could not read the request.",
                             "ko": "측정 프로세스가 요청을 읽지 못했습니다."},
    "err_kind_other": {"en": "The measurement reported a problem.",
                       "ko": "측정 중에 문제가 생겼습니다. 원래 메시지는 아래에 있습니다."},
    "hint_size_up_to": {"en": "use a size up to {limit}", "ko": "{limit} 이하의 크기를 고르세요"},
    "hint_size_or_backend": {"en": "use a size up to {size}, or a backend with a smaller process",
                             "ko": "{size} 이하의 크기를 고르거나, 프로세스가 더 작은 백엔드를 고르세요"},
    "hint_other_backend": {"en": "the {backend} process alone fills this deployment's memory: use another backend",
                           "ko": "{backend} 프로세스만으로 허용된 메모리가 가득 찹니다. 다른 백엔드를 고르세요"},
    "hint_smaller_model_or_backend": {"en": "use a smaller batch, width or depth, or a backend with a smaller process",
                                      "ko": "배치, 너비, 깊이를 줄이거나 프로세스가 더 작은 백엔드를 고르세요"},
    "hint_smaller_model": {"en": "use a smaller batch, width or depth", "ko": "배치, 너비, 깊이를 줄이세요"},
    "hint_change_spec": {"en": "change the size, dtype or device", "ko": "크기, 데이터 타입, 장치 중 하나를 바꾸세요"},
    "hint_missing_device": {"en": "choose an available device, or run where that device is (see the Colab notebook)",
                            "ko": "쓸 수 있는 장치를 고르거나, 그 장치가 있는 곳에서 실행하세요 (Colab 노트북 참고)"},
    "hint_out_of_memory": {"en": "use a smaller size or batch, or another device",
                           "ko": "크기나 배치를 줄이거나 다른 장치를 고르세요"},
    "hint_report": {"en": "check the parameters; report a bug if it persists",
                    "ko": "설정값을 확인하고, 계속되면 버그로 알려 주세요"},
    "hint_install": {"en": "install the backend, or choose an installed one",
                     "ko": "백엔드를 설치하거나 설치된 백엔드를 고르세요"},
    "hint_overloaded": {"en": "the machine may be overloaded; try again",
                        "ko": "컴퓨터에 부하가 많이 걸렸을 수 있습니다. 다시 해 보세요"},
    "hint_smaller_run": {"en": "use a smaller size, fewer sizes or a shorter budget",
                         "ko": "크기를 줄이거나, 크기 개수를 줄이거나, 측정 시간을 줄이세요"},
    "hint_killed": {"en": "use a smaller size or batch; the next measurement starts a fresh process",
                    "ko": "크기나 배치를 줄이세요. 다음 측정은 새 프로세스에서 시작합니다"},
    "hint_crashed": {"en": "check that the backend is installed correctly; the next measurement starts a fresh process",
                     "ko": "백엔드가 제대로 설치되었는지 확인하세요. 다음 측정은 새 프로세스에서 시작합니다"},
    "hint_fresh": {"en": "the next measurement starts a fresh process", "ko": "다음 측정은 새 프로세스에서 시작합니다"},
    "hint_start_again": {"en": "start it again", "ko": "다시 시작하세요"},
    "hint_unknown": {"en": "see the original message below", "ko": "아래의 원래 메시지를 참고하세요"},
    "runtime_local": {"en": "local", "ko": "이 컴퓨터"},
    "runtime_colab": {"en": "Colab", "ko": "Colab"},
    "runtime_streamlit-cloud": {"en": "Streamlit Community Cloud", "ko": "Streamlit Community Cloud"},
    "peak_note_estimate": {"en": "estimate: {cores} cores × {ghz} GHz × {per_cycle} {dtype} FLOP/cycle ({units}); a VM "
                                 "may hide the real clock",
                           "ko": "추정치: 코어 {cores}개 × {ghz} GHz × 사이클당 {dtype} 연산 {per_cycle}번 ({units}). "
                                 "가상 머신에서는 실제 클럭이 가려져 있을 수 있습니다."},
    "res_bad_file_short": {"en": "{name} was not imported, nothing from it was stored: it is not a dlenv results file.",
                           "ko": "{name} 파일을 가져오지 않았고 아무것도 저장하지 않았습니다. dlenv 결과 파일이 아닙니다."},
    # --- end of the tables-and-errors block ---
    # --- charts a class can read and their takeaways (dlenv/charts.py, dlenv/takeaways.py, issue 15) ---
    "chartw_legend_roofline": {"en": "device · workload", "ko": "장치 · 작업"},
    "chartw_legend_backends": {"en": "what is timed", "ko": "잰 것"},
    "chartw_naive": {"en": "naive", "ko": "동기화 없음"},
    "chartw_synced": {"en": "synced", "ko": "동기화"},
    "chartw_peak": {"en": "peak", "ko": "최고 성능"},
    "chartw_bandwidth": {"en": "memory bandwidth", "ko": "메모리 대역폭"},
    "chartw_src_spec": {"en": "spec", "ko": "사양"},
    "chartw_src_estimate": {"en": "estimate", "ko": "추정"},
    "chartw_src_measured": {"en": "measured", "ko": "측정"},
    "chartw_bw_measured": {"en": "best measured", "ko": "측정한 최댓값"},
    "chartw_matmul": {"en": "matmul", "ko": "행렬 곱셈"},
    "chartw_elementwise": {"en": "element-wise", "ko": "원소별 연산"},
    "chartw_step": {"en": "median step", "ko": "스텝 시간 중앙값"},
    "chartw_first_call": {"en": "first call (build + compile)", "ko": "첫 호출 (생성 + 컴파일)"},
    "chartw_ideal": {"en": "ideal (linear)", "ko": "이상적인 경우 (정비례)"},
    "chartw_latest_of": {"en": "latest of {count} runs at this size", "ko": "이 크기에서 {count}번 측정 중 가장 최근"},
    "chartw_samples": {"en": "samples", "ko": "표본"},
    "chartw_median": {"en": "median", "ko": "중앙값"},
    "chartw_crossover": {"en": "wins from here", "ko": "여기부터 앞섬"},
    "table_common": {"en": "Every row: {values}", "ko": "모든 행: {values}"},
    "chartw_speedup_over": {"en": "how many times as fast as {baseline}", "ko": "{baseline} 대비 몇 배 빠른가"},
    "chartw_time": {"en": "time", "ko": "시간"},
    "chart_pick": {"en": "Chart", "ko": "차트"},
    "axis_backend_ms": {"en": "time (ms, log scale)", "ko": "시간 (ms, 로그 눈금)"},
    "res_latest_note": {"en": "Where a series was measured more than once at a size, the chart draws the latest run "
                              "(the hover says how many there were).",
                        "ko": "같은 크기에서 여러 번 측정한 계열은 가장 최근 측정을 그립니다(마우스를 올리면 몇 번 "
                              "측정했는지 나옵니다)."},
    "demo_chart_says": {"en": "Each point is the median time of one N×N matrix multiply on a device, its bar the "
                              "spread (IQR). Both axes are logarithmic: equal steps mean equal ratios.",
                        "ko": "점 하나는 한 장치에서 N×N 행렬 곱셈 한 번에 걸린 시간의 중앙값이고, 막대는 흩어짐(IQR)"
                              "입니다. 두 축 모두 로그 눈금이라 같은 간격은 같은 배율을 뜻합니다."},
    "demo_mlp": {"en": "Keras MLP, time per step", "ko": "Keras MLP 스텝당 시간"},
    "demo_mlp_rate": {"en": "{depth} × {width} layers, batch {batch}, on {device}: {samples} samples per second.",
                      "ko": "{depth} × {width} 층, 배치 {batch}, {device}에서 초당 샘플 {samples}개."},
    "gloss_gflops": {"en": "GFLOP/s: billions of floating-point operations (additions, multiplications) per second. "
                           "An N×N matrix multiply does 2·N³ of them.",
                     "ko": "GFLOP/s: 1초에 하는 부동소수점 연산(덧셈, 곱셈) 수를 10억 단위로 센 값입니다. N×N 행렬 "
                           "곱셈은 연산을 2·N³번 합니다."},
    "gloss_median_iqr": {"en": "Median: the middle of the timed samples, so one slow sample does not move it. IQR "
                               "(the error bar): the range of the middle half of the samples; a long bar means the "
                               "times varied.",
                         "ko": "중앙값: 측정한 표본의 한가운데 값이라 느린 표본 하나에 흔들리지 않습니다. IQR(오차 "
                               "막대): 표본 가운데 절반이 놓인 범위이며, 막대가 길면 시간이 들쭉날쭉했다는 뜻입니다."},
    "gloss_naive_synced": {"en": "Synced: the clock stops after the device has finished. Naive: it stops as soon as "
                                 "the call returns; a GPU may still be working then, so naive reads too fast.",
                           "ko": "동기화: 장치가 계산을 끝낸 뒤 시계를 멈춥니다. 동기화 없음(naive): 호출이 돌아오면 "
                                 "바로 멈춥니다. GPU는 그때 아직 계산 중일 수 있어 실제보다 짧게 나옵니다."},
    "gloss_pct_peak": {"en": "% of peak: GFLOP/s as a share of the most this device could do (a datasheet figure, an "
                             "estimate from cores × clock × vector width, or a measured ceiling; the legend says "
                             "which).",
                       "ko": "최고 성능 대비 %: 이 장치가 낼 수 있는 최대치(데이터시트 수치, 코어 수 × 클럭 × 벡터 폭으로 "
                             "낸 추정치, 또는 측정한 상한이며 범례에 어느 것인지 나옵니다) 대비 GFLOP/s의 "
                             "비율입니다."},
    "gloss_intensity": {"en": "Arithmetic intensity: operations per byte moved to or from memory. Low, the sloped "
                              "memory roof limits the speed; high, the flat compute roof does.",
                        "ko": "연산 강도: 메모리와 주고받는 1바이트당 연산 수입니다. 낮으면 기울어진 메모리 지붕이, "
                              "높으면 평평한 연산 지붕이 속도의 한계입니다."},
    "gloss_first_call": {"en": "First call: builds the model, traces and compiles it; it is timed apart from the "
                               "steps.",
                         "ko": "첫 호출: 모델을 만들고 트레이싱과 컴파일까지 합니다. 스텝 시간과 따로 잽니다."},
    "gloss_speedup": {"en": "Speedup: the slower series' time divided by the faster one's, at the same N.",
                      "ko": "속도 향상: 같은 N에서 느린 쪽 시간을 빠른 쪽 시간으로 나눈 값입니다."},
    "tk_busy": {"en": "Measured while other programs used up to {share}% of the CPU: these times are slower and more "
                      "spread than the code alone would be.",
                "ko": "다른 프로그램이 CPU를 최대 {share}%까지 쓰는 동안 측정했습니다. 그래서 이 시간은 코드만 "
                      "실행할 때보다 느리고 들쭉날쭉합니다."},
    "tk_naive_fast": {"en": "Naive timing reads {times}× faster than synced at N={n}: it stopped the clock before the "
                            "device had finished, so only the synced time is the matmul's.",
                      "ko": "N={n}에서 동기화 없이 잰 시간이 동기화한 시간보다 {times}배 빠르게 나왔습니다. 장치가 "
                            "계산을 끝내기 전에 시계를 멈췄기 때문이며, 행렬 곱셈의 실제 시간은 동기화한 쪽입니다."},
    "tk_naive_slower": {"en": "Naive timing came out {times}× slower than synced at N={n}. A naive clock never waits, "
                              "so it has no real reason to be slower: the difference is run-to-run noise.",
                        "ko": "N={n}에서 동기화 없이 잰 시간이 동기화한 시간보다 {times}배 느리게 나왔습니다. 동기화 "
                              "없는 측정은 기다리지 않으므로 실제로 더 느릴 이유가 없고, 이 차이는 측정할 때마다 "
                              "생기는 잡음입니다."},
    "tk_naive_same": {"en": "Naive and synced timings agree within {pct}% at N={n}: on this device the work is done "
                            "when the call returns, so there is nothing to wait for (on a GPU naive would read far "
                            "too fast).",
                      "ko": "N={n}에서 동기화 없이 잰 시간과 동기화한 시간의 차이가 {pct}% 이내입니다. 이 장치에서는 "
                            "호출이 돌아올 때 계산이 이미 끝나 있어 기다릴 것이 없기 때문입니다(GPU라면 동기화 없는 "
                            "시간이 실제보다 훨씬 짧게 나옵니다)."},
    "tk_time_one": {"en": "N={n}: {ms} ms per call (median). Pick more sizes to see how the time grows with N.",
                    "ko": "N={n}: 호출당 {ms} ms(중앙값). 크기를 더 고르면 N에 따라 시간이 어떻게 늘어나는지 볼 수 "
                          "있습니다."},
    "tk_time_less": {"en": "From N={small} to N={large} the work grew {work}× (2·N³ operations) but the time only "
                           "{time}×: small matrices leave the arithmetic units idle much of the time, so the rate "
                           "rose from {g_small} to {g_large} GFLOP/s.",
                     "ko": "N={small}에서 N={large}로 가면서 연산량은 {work}배(2·N³번) 늘었지만 시간은 {time}배만 "
                           "늘었습니다. 작은 행렬에서는 연산 장치가 쉬는 시간이 많아서, 처리량이 {g_small}에서 "
                           "{g_large} GFLOP/s로 올라갔습니다."},
    "tk_time_follows": {"en": "From N={small} to N={large} the work grew {work}× (2·N³ operations) and the time "
                              "{time}×: at these sizes the time follows the work ({g_small} → {g_large} GFLOP/s).",
                        "ko": "N={small}에서 N={large}로 가면서 연산량은 {work}배(2·N³번), 시간은 {time}배 "
                              "늘었습니다. 이 크기에서는 시간이 연산량을 따라갑니다({g_small} → {g_large} GFLOP/s)."},
    "tk_throughput": {"en": "Best: {gflops} GFLOP/s at N={n}, {pct}% of this device's peak ({source}: {peak} "
                            "GFLOP/s).",
                      "ko": "가장 높은 값은 N={n}에서 {gflops} GFLOP/s로, 이 장치 최고 성능({source}: {peak} "
                            "GFLOP/s)의 {pct}%입니다."},
    "tk_throughput_over": {"en": "Best: {gflops} GFLOP/s at N={n}, {pct}% of this device's peak ({source}: {peak} "
                                 "GFLOP/s): above it, so the estimate is too low here, not the timing too fast. It "
                                 "multiplies the clock the system reports (a base clock, or what a virtual machine "
                                 "shows) and the chip ran faster (its boost clock).",
                           "ko": "가장 높은 값은 N={n}에서 {gflops} GFLOP/s로, 이 장치 최고 성능({source}: {peak} "
                                 "GFLOP/s)의 {pct}%입니다. 최고 성능보다 높게 나온 것은 측정이 잘못돼서가 아니라 "
                                 "추정값이 낮기 때문입니다. 추정값은 시스템이 알려 주는 클럭(기본 클럭이나 가상 머신이 "
                                 "보여 주는 값)으로 계산하는데, 칩은 그보다 빠르게(부스트 클럭으로) 돌았습니다."},
    "tk_throughput_low": {"en": "Best: {gflops} GFLOP/s at N={n}, only {pct}% of the peak ({source}: {peak} GFLOP/s). "
                                "That peak is a ceiling computed from cores × clock × vector width, which real code "
                                "stays well below; larger matrices and a quiet machine come closer.",
                          "ko": "가장 높은 값은 N={n}에서 {gflops} GFLOP/s로, 최고 성능({source}: {peak} GFLOP/s)의 "
                                "{pct}%에 그칩니다. 이 최고 성능은 코어 수 × 클럭 × 벡터 폭으로 계산한 상한이라 실제 "
                                "코드는 한참 못 미칩니다. 행렬이 크고 컴퓨터가 한가할수록 가까워집니다."},
    "tk_throughput_no_peak": {"en": "Best: {gflops} GFLOP/s at N={n} (no peak is known for this device).",
                              "ko": "가장 높은 값은 N={n}에서 {gflops} GFLOP/s입니다(이 장치의 최고 성능은 알려져 "
                                    "있지 않습니다)."},
    "tk_roofline": {"en": "The element-wise add does {ew_int} FLOP per byte and reaches {ew_gflops} GFLOP/s, held "
                          "down by memory ({ew_gbps} GB/s); the N={n} matmul does {mm_int} FLOP per byte and reaches "
                          "{mm_gflops} GFLOP/s, {pct}% of the compute roof.",
                    "ko": "원소별 덧셈은 바이트당 {ew_int} FLOP이라 메모리에 묶여({ew_gbps} GB/s) {ew_gflops} "
                          "GFLOP/s에 그치고, N={n} 행렬 곱셈은 바이트당 {mm_int} FLOP이라 {mm_gflops} GFLOP/s, "
                          "연산 지붕의 {pct}%까지 올라갑니다."},
    "tk_roofline_matmul": {"en": "The N={n} matmul does {mm_int} FLOP per byte and reaches {mm_gflops} GFLOP/s, "
                                 "{pct}% of the compute roof; the more FLOPs per byte, the higher work can climb.",
                           "ko": "N={n} 행렬 곱셈은 바이트당 {mm_int} FLOP으로 {mm_gflops} GFLOP/s, 연산 지붕의 "
                                 "{pct}%에 이릅니다. 바이트당 연산이 많을수록 더 높이 올라갈 수 있습니다."},
    "tk_threads": {"en": "{threads} threads ran {speedup}× as fast as {base}: {eff}% of ideal.",
                   "ko": "스레드 {threads}개는 {base}개일 때의 {speedup}배 속도로, 이상적인 경우의 {eff}%입니다."},
    "tk_threads_weak": {"en": "{threads} threads ran {speedup}× as fast as {base}, only {eff}% of ideal. The cores "
                              "share memory bandwidth and caches, and on a virtual machine two vCPUs may be one "
                              "physical core.",
                        "ko": "스레드 {threads}개는 {base}개일 때의 {speedup}배 속도로, 이상적인 경우의 {eff}%에 "
                              "그칩니다. 코어들이 메모리 대역폭과 캐시를 나눠 쓰고, 가상 머신에서는 vCPU 두 개가 "
                              "실제로는 물리 코어 하나일 수 있습니다."},
    "tk_threads_slower": {"en": "{threads} threads were slower than {base} ({g_base} → {g_top} GFLOP/s), not just "
                                "below ideal: the extra threads found no free core (other programs were using it, "
                                "or two vCPUs share one physical core), or N={n} is too small to be worth splitting.",
                          "ko": "스레드 {threads}개가 {base}개보다 오히려 느렸습니다({g_base} → {g_top} GFLOP/s). "
                                "늘어난 스레드가 쉬는 코어를 얻지 못했거나(다른 프로그램이 쓰고 있었거나 vCPU 두 "
                                "개가 물리 코어 하나를 나눠 씀), N={n}이 나눠서 계산할 만큼 크지 않기 때문입니다."},
    "tk_backends_one": {"en": "{backend}: {ms} ms per step. Install another backend to compare.",
                        "ko": "{backend}: 스텝당 {ms} ms. 다른 백엔드를 설치하면 비교할 수 있습니다."},
    "tk_backends": {"en": "Fastest step: {fast} ({fast_ms} ms); slowest: {slow} ({slow_ms} ms, {times}×). The model "
                          "and its arithmetic are the same; the difference is in how each framework dispatches the "
                          "operations and which kernels it calls.",
                    "ko": "스텝이 가장 빠른 것은 {fast}({fast_ms} ms), 가장 느린 것은 {slow}({slow_ms} ms, "
                          "{times}배)입니다. 모델과 연산량은 같고, 차이는 프레임워크마다 연산을 실행하는 방식과 쓰는 "
                          "커널에서 나옵니다."},
    "tk_backends_far": {"en": "{slow} took {times}× as long per step as {fast} ({slow_ms} vs {fast_ms} ms). The same "
                              "small model needs the same arithmetic on every backend, so a gap this large comes from "
                              "load on the machine (one framework's threads can suffer far more than another's) or "
                              "per-call overhead, not from an engine that much slower: measure again on a quiet "
                              "machine before drawing a conclusion.",
                        "ko": "{slow}는 {fast}보다 스텝당 {times}배 오래 걸렸습니다({slow_ms} ms 대 {fast_ms} ms). "
                              "같은 작은 모델은 어느 백엔드에서나 연산량이 같으므로, 이렇게 큰 차이는 엔진이 그만큼 "
                              "느려서가 아니라 컴퓨터의 부하(어떤 프레임워크의 스레드는 다른 것보다 훨씬 크게 영향을 "
                              "받습니다)나 호출당 고정 비용 때문입니다. 결론을 내리기 전에 한가한 컴퓨터에서 다시 "
                              "측정해 보세요."},
    "tk_backends_first": {"en": "First calls, which build and compile the model: {quick} {quick_ms} ms, {late} "
                                "{late_ms} ms.",
                          "ko": "모델을 만들고 컴파일하는 첫 호출: {quick} {quick_ms} ms, {late} {late_ms} ms."},
    "tk_step_measured": {"en": "Measured here: {ms} ms per step.", "ko": "여기서 측정: 스텝당 {ms} ms."},
    "tk_step_predicted": {"en": "Fastest predicted: {card} at {pred_ms} ms per step, limited by {bound}.",
                          "ko": "예측상 가장 빠른 것은 {card}로 스텝당 {pred_ms} ms이며, 한계 요인은 {bound}입니다."},
    "tk_step_vs_predicted": {"en": "Measured here: {ms} ms per step; the {card} is predicted at {pred_ms} ms "
                                   "({times}× faster), limited by {bound}.",
                             "ko": "여기서 측정한 스텝은 {ms} ms이고, {card}는 {pred_ms} ms({times}배 빠름)로 "
                                   "예측되며 한계 요인은 {bound}입니다."},
    "tk_modes": {"en": "Graph ran {graph_x}× as fast as eager and XLA {xla_x}×: tracing removes Python's work per "
                       "operation, and XLA's fusing removes more.",
                 "ko": "그래프는 즉시 실행보다 {graph_x}배, XLA는 {xla_x}배 빨랐습니다. 트레이싱이 연산마다 드는 "
                       "파이썬 작업을 없애고, XLA는 연산을 합쳐 더 줄입니다."},
    "tk_modes_no_xla": {"en": "Graph ran {graph_x}× as fast as eager: tracing removes Python's work per operation.",
                        "ko": "그래프는 즉시 실행보다 {graph_x}배 빨랐습니다. 트레이싱이 연산마다 드는 파이썬 작업을 "
                              "없애기 때문입니다."},
    "tk_modes_xla_slower": {"en": "XLA was slower than graph here ({xla} vs {graph} µs): for a function this small on "
                                  "a CPU, what XLA saves by fusing operations is less than the difference between its "
                                  "kernels and TensorFlow's own, so the compile does not pay off.",
                            "ko": "여기서는 XLA가 그래프보다 느렸습니다({xla} µs 대 {graph} µs). CPU에서 이렇게 작은 "
                                  "함수는 XLA가 연산을 합쳐 아끼는 시간이 XLA 커널과 TensorFlow 자체 커널의 차이보다 "
                                  "작아서, 컴파일한 보람이 없습니다."},
    "tk_modes_xla_slowest": {"en": "XLA was the slowest mode here ({xla} µs; eager {eager}, graph {graph} µs): for a "
                                   "function this small on a CPU, what XLA saves by fusing operations is less than the "
                                   "difference between its kernels and TensorFlow's own, so the compile does not pay "
                                   "off.",
                             "ko": "여기서는 XLA가 가장 느렸습니다({xla} µs, 즉시 실행 {eager} µs, 그래프 {graph} µs). "
                                   "CPU에서 이렇게 작은 함수는 XLA가 연산을 합쳐 아끼는 시간이 XLA 커널과 TensorFlow "
                                   "자체 커널의 차이보다 작아서, 컴파일한 보람이 없습니다."},
    "tk_modes_graph_slower": {"en": "Eager was about as fast as graph here ({eager} vs {graph} µs): the per-operation "
                                    "cost that graph saves is lost in the run-to-run spread ({spread} µs), which a "
                                    "busy machine widens.",
                              "ko": "여기서는 즉시 실행이 그래프와 거의 같은 속도였습니다({eager} µs 대 {graph} µs). "
                                    "그래프가 아끼는 연산당 비용이 측정값의 흩어짐({spread} µs)에 묻혔기 때문이며, "
                                    "컴퓨터가 바쁘면 흩어짐이 더 커집니다."},
    "tk_modes_noisy": {"en": "These timings spread widely (up to {spread} µs between quartiles), so differences "
                             "smaller than that say little.",
                       "ko": "이 측정값은 크게 흩어져 있으므로(사분위 사이 최대 {spread} µs), 그보다 작은 차이는 큰 "
                             "의미가 없습니다."},
    "tk_demo_mlp": {"en": "The small Keras MLP (batch {batch}) took {ms} ms per step: {samples} samples per second.",
                    "ko": "작은 Keras MLP(배치 {batch})는 스텝당 {ms} ms가 걸려, 초당 샘플 {samples}개를 "
                          "처리했습니다."},
    # --- end of the charts-and-takeaways block ---
    # --- the class leaderboard, class code and moderation (pages/leaderboard.py, dlenv/ui/classroom.py, issue 18) ---
    "page_leaderboard": {"en": "Leaderboard", "ko": "순위표"},
    "lb_title": {"en": "Class leaderboard", "ko": "반 순위표"},
    "lb_intro": {"en": "Every machine of the class side by side: each machine's and device's best timing of one "
                       "workload, with where the number comes from. Published and predicted GPU figures are "
                       "drawn as lines to compare with; they are never ranked.",
                 "ko": "반의 모든 컴퓨터를 나란히 비교합니다. 한 작업에 대해 컴퓨터와 장치마다 가장 좋은 측정값과 그 "
                       "출처를 보여 줍니다. 공개된 GPU 수치와 예측값은 비교용 선으로만 그리며 순위에는 넣지 않습니다."},
    "lb_empty": {"en": "No timings stored yet: measure, import a file or load the reference results on the "
                       "Saved results page.",
                 "ko": "저장된 측정값이 아직 없습니다. 측정하거나, 파일을 가져오거나, '저장된 결과' 페이지에서 참고 결과를 "
                       "불러오세요."},
    "lb_workload": {"en": "Workload", "ko": "작업"},
    "lb_dtype": {"en": "Data type", "ko": "데이터 형식"},
    "lb_dates": {"en": "Measured between (empty: any date)", "ko": "측정 기간 (비워 두면 전체 기간)"},
    "lb_cards": {"en": "GPUs drawn as reference lines (published and predicted)",
                 "ko": "기준선으로 그릴 GPU (공개 수치와 예측값)"},
    "lb_cards_none": {"en": "None", "ko": "없음"},
    "lb_nothing": {"en": "Nothing was measured for this choice: pick another data type or dates.",
                   "ko": "이 조건으로 측정된 결과가 없습니다. 다른 데이터 형식이나 기간을 고르세요."},
    "lb_summary": {"en": "Machines: {machines}. Results compared: {results}. The median laptop (the median of the "
                         "CPUs' best) reaches {median}.",
                   "ko": "컴퓨터 {machines}대, 결과 {results}개 중 최고값입니다. 노트북 중앙값(CPU들 최고값의 중앙값)은 "
                         "{median}입니다."},
    "lb_median": {"en": "median laptop", "ko": "노트북 중앙값"},
    "lb_chart_title": {"en": "Best throughput per machine and device ({unit})",
                       "ko": "컴퓨터와 장치별 최고 처리량 ({unit})"},
    "lb_col_rank": {"en": "Rank", "ko": "순위"},
    "lb_col_best": {"en": "Best ({unit})", "ko": "최고 ({unit})"},
    "lb_col_times": {"en": "× median laptop", "ko": "중앙값 대비"},
    "lb_col_times_help": {"en": "How many times the median laptop: the best value divided by the median of the "
                                "CPUs' best values.",
                          "ko": "노트북 중앙값의 몇 배인지: 최고값을 CPU들 최고값의 중앙값으로 나눈 값입니다."},
    "lb_col_what": {"en": "Size · backend", "ko": "크기 · 백엔드"},
    "lb_col_nickname": {"en": "Added by", "ko": "닉네임"},
    "lb_col_date": {"en": "Measured", "ko": "측정일"},
    "lb_reference_row": {"en": "(reference line)", "ko": "(기준선)"},
    "lb_how": {"en": "Each row is the best of every timing of that machine and device for this workload and data "
                     "type (any size). Hover over a bar for its environment. Hatched bars were timed elsewhere and "
                     "imported, or are this project's reference machines.",
               "ko": "각 행은 이 작업과 데이터 형식(모든 크기)에서 그 컴퓨터와 장치가 낸 측정값 중 가장 좋은 값입니다. "
                     "막대 위에 마우스를 올리면 측정 환경이 보입니다. 빗금 막대는 다른 곳에서 측정해 가져온 값이거나 "
                     "이 프로젝트의 참고 컴퓨터 값입니다."},
    "class_nickname": {"en": "Your nickname (up to {max} characters; saved with what you add)",
                       "ko": "닉네임 (최대 {max}자, 추가하는 결과와 함께 저장됩니다)"},
    "class_nickname_help": {"en": "Up to {max} characters, no line breaks. A longer one is refused, not cut. Your "
                                  "classmates and teacher see it next to your results.",
                            "ko": "최대 {max}자, 줄바꿈은 쓸 수 없습니다. 더 길면 자르지 않고 거절합니다. 반 친구들과 "
                                  "선생님이 결과 옆에서 보게 됩니다."},
    "class_nickname_too_long": {"en": "This nickname is too long: {count} characters, at most {max}. Shorten it; "
                                      "nothing is stored under it.",
                                "ko": "닉네임이 너무 깁니다: {count}자, 최대 {max}자입니다. 줄여 주세요. 이 닉네임으로는 "
                                      "아무것도 저장하지 않습니다."},
    "class_nickname_control": {"en": "This nickname cannot be used: it holds a line break, a tab or an invisible "
                                     "or direction mark. Type it again; nothing is stored under it.",
                               "ko": "이 닉네임은 쓸 수 없습니다. 줄바꿈, 탭, 보이지 않는 문자나 글자 방향 기호가 들어 "
                                     "있습니다. 다시 입력하세요. 이 닉네임으로는 아무것도 저장하지 않습니다."},
    "class_need_usable_nickname": {"en": "Not stored: the nickname above cannot be used (see why under it). Nothing "
                                         "was stored or changed.",
                                   "ko": "저장하지 않았습니다. 위의 닉네임을 쓸 수 없습니다(이유는 입력란 아래에 있습니다). "
                                         "아무것도 저장하거나 바꾸지 않았습니다."},
    "class_store_upload": {"en": "Store {name}", "ko": "{name} 저장"},
    "class_upload_held": {"en": "{name} is not stored yet. Typing the code or your nickname stores nothing by "
                                "itself: press “{button}” to add it.",
                          "ko": "{name} 파일은 아직 저장하지 않았습니다. 코드나 닉네임을 입력하는 것만으로는 저장되지 "
                                "않습니다. “{button}” 버튼을 눌러 추가하세요."},
    "class_stored_as": {"en": "Added under the nickname {nickname}.", "ko": "닉네임 {nickname}(으)로 추가했습니다."},
    "class_bad_nickname": {"en": "This nickname cannot be used: {reason}.", "ko": "이 닉네임은 쓸 수 없습니다: {reason}."},
    "class_locked_note": {"en": "This class's results are shared: adding to them needs the class code your teacher "
                                "gave you (once per browser session). Reading needs nothing.",
                          "ko": "이 반의 결과는 함께 쓰는 저장소에 있습니다. 결과를 추가하려면 선생님이 알려 준 반 코드가 "
                                "필요합니다(브라우저 세션마다 한 번). 보기만 할 때는 필요 없습니다."},
    "class_code": {"en": "Class code", "ko": "반 코드"},
    "class_unlock": {"en": "Use this code", "ko": "코드 사용"},
    "class_unlocked": {"en": "Class code accepted: you can add results in this browser session.",
                       "ko": "반 코드가 맞습니다. 이 브라우저 세션에서 결과를 추가할 수 있습니다."},
    "class_unlocked_note": {"en": "Class code accepted for this browser session.",
                            "ko": "이 브라우저 세션에서는 반 코드가 확인되었습니다."},
    "class_wrong_code": {"en": "That is not the class code. Nothing was stored.",
                         "ko": "반 코드가 맞지 않습니다. 아무것도 저장하지 않았습니다."},
    "class_wrong_password": {"en": "That is not the teacher's password.", "ko": "선생님 비밀번호가 맞지 않습니다."},
    "class_wait": {"en": "Too many wrong tries: try again in {seconds} s.",
                   "ko": "잘못 입력한 횟수가 너무 많습니다. {seconds}초 뒤에 다시 시도하세요."},
    "class_need_code": {"en": "Not stored: enter the class code above first (ask your teacher). Nothing was "
                              "stored or changed.",
                        "ko": "저장하지 않았습니다. 먼저 위에 반 코드를 입력하세요(선생님께 물어보세요). 아무것도 저장하거나 "
                              "바꾸지 않았습니다."},
    "class_need_nickname": {"en": "Not stored: type your nickname above first, so the class knows who added it.",
                            "ko": "저장하지 않았습니다. 누가 추가했는지 알 수 있도록 먼저 위에 닉네임을 입력하세요."},
    "class_upload_cap": {"en": "Not imported: this browser session already uploaded {count} files in the last hour, "
                               "the most allowed. Try again in {minutes} min. Nothing was stored.",
                         "ko": "가져오지 않았습니다. 이 브라우저 세션은 최근 한 시간 동안 허용된 최대치인 파일 {count}개를 "
                               "이미 올렸습니다. {minutes}분 뒤에 다시 시도하세요. 아무것도 저장하지 않았습니다."},
    "class_too_many": {"en": "{name} was not imported: it holds {count} results, more than the {cap} one upload may "
                             "add. Split it, or ask your teacher. Nothing was stored.",
                       "ko": "{name} 파일을 가져오지 않았습니다. 결과가 {count}개로, 한 번에 올릴 수 있는 {cap}개보다 "
                             "많습니다. 나누어 올리거나 선생님께 물어보세요. 아무것도 저장하지 않았습니다."},
    "class_moderation": {"en": "Teacher: recent additions and moderation", "ko": "선생님용: 최근 추가된 결과와 관리"},
    "class_teacher_password": {"en": "Teacher's password", "ko": "선생님 비밀번호"},
    "class_teacher_unlock": {"en": "Open moderation", "ko": "관리 열기"},
    "class_no_teacher": {"en": "Moderation needs a teacher's password in the app's secrets "
                               "([class] teacher_password or DLENV_TEACHER_PASSWORD).",
                         "ko": "관리 기능을 쓰려면 앱의 비밀 설정에 선생님 비밀번호가 있어야 합니다 "
                               "([class] teacher_password 또는 DLENV_TEACHER_PASSWORD)."},
    "class_no_additions": {"en": "Nobody has added results yet.", "ko": "아직 아무도 결과를 추가하지 않았습니다."},
    "class_col_id": {"en": "Id", "ko": "번호"},
    "class_col_provenance": {"en": "Provenance", "ko": "출처"},
    "class_col_who_how": {"en": "Who · how", "ko": "닉네임 · 방법"},
    "class_col_machine_device": {"en": "Machine · device", "ko": "컴퓨터 · 장치"},
    "class_col_added_at": {"en": "Added (UTC)", "ko": "추가 (UTC)"},
    "class_col_what": {"en": "What", "ko": "측정 대상"},
    "class_col_hidden": {"en": "Hidden", "ko": "숨김"},
    "class_hidden_by": {"en": "hidden by {who}", "ko": "{who}님이 숨김"},
    "class_hidden": {"en": "hidden", "ko": "숨김"},
    "class_pick_nickname": {"en": "Everything one nickname added", "ko": "한 닉네임이 추가한 모든 결과"},
    "class_pick_results": {"en": "Single results", "ko": "개별 결과"},
    "class_pick_placeholder": {"en": "Choose", "ko": "선택하세요"},
    "class_hide_nickname": {"en": "Hide all of theirs", "ko": "모두 숨기기"},
    "class_restore_nickname": {"en": "Restore all of theirs", "ko": "모두 되돌리기"},
    "class_hide_results": {"en": "Hide these", "ko": "선택한 결과 숨기기"},
    "class_restore_results": {"en": "Restore these", "ko": "선택한 결과 되돌리기"},
    "class_hidden_count": {"en": "Results hidden: {count}. They stay in the database and can be restored.",
                           "ko": "결과 {count}개를 숨겼습니다. 데이터베이스에는 남아 있어 되돌릴 수 있습니다."},
    "class_restored_count": {"en": "Results restored: {count}.", "ko": "결과 {count}개를 되돌렸습니다."},
    "class_src_dashboard": {"en": "page: saved session", "ko": "페이지: 세션 저장"},
    "class_src_upload": {"en": "page: upload", "ko": "페이지: 파일 올리기"},
    "class_src_reference": {"en": "page: reference sets", "ko": "페이지: 참고 결과"},
    "class_src_push": {"en": "command line: push", "ko": "명령줄: push"},
    "class_src_import": {"en": "command line: import", "ko": "명령줄: import"},
    "class_src_local": {"en": "command line: run --save", "ko": "명령줄: run --save"},
    "class_src_unknown": {"en": "not recorded", "ko": "기록 없음"},
    # --- end of the class leaderboard block ---
    # --- the Training page (pages/training.py, dlenv/ui/training.py, issue 16) ---
    "page_training": {"en": "Training", "ko": "학습"},
    "wl_train": {"en": "training", "ko": "학습"},
    "tr_title": {"en": "Train a model on real data", "ko": "실제 데이터로 모델 학습하기"},
    "tr_intro": {"en": "A small Keras model trained with model.fit for a few epochs on real images: how long an "
                       "epoch takes on this machine, how accurate the model becomes, and where the time goes.",
                 "ko": "작은 Keras 모델을 실제 이미지로 몇 에포크 동안 model.fit으로 학습합니다. 이 컴퓨터에서 한 "
                       "에포크가 얼마나 걸리는지, 모델이 얼마나 정확해지는지, 시간이 어디에 쓰이는지 봅니다."},
    "tr_model": {"en": "Model", "ko": "모델"},
    "tr_model_mlp": {"en": "MLP (dense layers)", "ko": "MLP (완전 연결층)"},
    "tr_model_cnn": {"en": "CNN (convolutions)", "ko": "CNN (합성곱층)"},
    "tr_dataset": {"en": "Dataset", "ko": "데이터셋"},
    "tr_ds_digits": {"en": "8×8 handwritten digits (in scikit-learn, no download)",
                     "ko": "8×8 손글씨 숫자 (scikit-learn에 포함, 내려받기 없음)"},
    "tr_ds_mnist": {"en": "MNIST, 28×28 handwritten digits (11 MB download)",
                    "ko": "MNIST, 28×28 손글씨 숫자 (11 MB 내려받기)"},
    "tr_ds_fashion_mnist": {"en": "Fashion-MNIST, 28×28 clothing (30 MB download)",
                            "ko": "Fashion-MNIST, 28×28 옷 사진 (30 MB 내려받기)"},
    "tr_ds_sizes": {"en": "{train} training, {val} validation and {test} test images of {shape} pixels, {classes} "
                          "classes.",
                    "ko": "{shape} 픽셀 이미지: 학습용 {train}장, 검증용 {val}장, 테스트용 {test}장, {classes}개 클래스."},
    "tr_depth": {"en": "Layers", "ko": "층 수"},
    "tr_width_mlp": {"en": "Units per layer", "ko": "층당 유닛 수"},
    "tr_width_cnn": {"en": "Filters per layer", "ko": "층당 필터 수"},
    "tr_epochs": {"en": "Epochs", "ko": "에포크 수"},
    "tr_batch": {"en": "Batch size", "ko": "배치 크기"},
    "tr_seed": {"en": "Seed", "ko": "시드"},
    "tr_seed_help": {"en": "The same seed gives the same accuracies again on the same machine and backend.",
                     "ko": "같은 시드는 같은 컴퓨터와 백엔드에서 같은 정확도를 다시 냅니다."},
    "tr_precision": {"en": "Precision", "ko": "정밀도"},
    "tr_prec_float32": {"en": "float32", "ko": "float32"},
    "tr_prec_mixed_float16": {"en": "mixed_float16", "ko": "mixed_float16"},
    "tr_prec_mixed_bfloat16": {"en": "mixed_bfloat16", "ko": "mixed_bfloat16"},
    "tr_precision_help": {"en": "Keras dtype policies. float32: weights and computation in float32. mixed_float16 "
                                "and mixed_bfloat16 (mixed precision): weights kept in float32, layers compute in "
                                "float16 or bfloat16.",
                          "ko": "Keras 자료형 정책입니다. float32: 가중치와 계산 모두 float32. mixed_float16과 "
                                "mixed_bfloat16(혼합 정밀도): 가중치는 float32로 두고 층의 계산은 float16이나 "
                                "bfloat16으로 합니다."},
    "tr_pipeline": {"en": "Input pipeline", "ko": "입력 파이프라인"},
    "tr_pipe_arrays": {"en": "arrays in memory", "ko": "메모리의 배열"},
    "tr_pipe_streamed": {"en": "streamed, no prefetch", "ko": "스트리밍, 미리 준비 없음"},
    "tr_pipe_prefetched": {"en": "streamed, parallel + prefetch", "ko": "스트리밍, 병렬 + 미리 준비"},
    "tr_pipeline_help": {"en": "The training images are stored as PNG files. Arrays: all decoded and preprocessed "
                                "once before training, batched by Keras. Streamed: each batch prepared (PNG decoded, "
                                "pixels to float32, scaled to 0-1) only when the model asks for it (tf.data on "
                                "TensorFlow, a Python generator on JAX and PyTorch). Prefetch: prepared in parallel, "
                                "ahead.",
                         "ko": "학습 이미지는 PNG 파일로 저장되어 있습니다. 배열: 학습 전에 모두 한 번 디코딩하고 "
                               "전처리한 뒤 Keras가 배치로 나눕니다. 스트리밍: 모델이 요청할 때마다 배치를 준비합니다"
                               "(PNG 디코딩, 픽셀을 float32로 바꾸고 0~1 범위로 조정; TensorFlow는 tf.data, JAX와 "
                               "PyTorch는 Python 제너레이터). 미리 준비: 병렬로, 앞서 준비합니다."},
    "tr_compare": {"en": "Compare", "ko": "비교"},
    "tr_cmp_none": {"en": "nothing: one training", "ko": "비교 없음: 학습 한 번"},
    "tr_cmp_pipelines": {"en": "the three input pipelines", "ko": "입력 파이프라인 세 가지"},
    "tr_cmp_precisions": {"en": "the three precisions", "ko": "정밀도 세 가지"},
    "tr_steps": {"en": "Steps per epoch", "ko": "에포크당 스텝 수"},
    "tr_train": {"en": "Train", "ko": "학습 시작"},
    "tr_status": {"en": "Training...", "ko": "학습 중..."},
    "tr_epoch_progress": {"en": "Epoch {epoch} of {epochs} done: loss {loss}, validation accuracy {accuracy}.",
                          "ko": "에포크 {epoch}/{epochs} 완료: 손실 {loss}, 검증 정확도 {accuracy}."},
    "tr_downloading": {"en": "Downloading the dataset: {done} of {total} MB (not part of any timing).",
                       "ko": "데이터셋을 내려받는 중: {total} MB 중 {done} MB (시간 측정에는 들어가지 않습니다)."},
    "tr_waiting_first": {"en": "Preparing the data and the model; the first epoch also compiles it.",
                         "ko": "데이터와 모델을 준비하는 중입니다. 첫 에포크에는 컴파일 시간도 들어갑니다."},
    "tr_test_accuracy": {"en": "Test accuracy", "ko": "테스트 정확도"},
    "tr_epoch_steady": {"en": "Epoch time (steady)", "ko": "에포크 시간 (안정 상태)"},
    "tr_first_epoch": {"en": "First epoch", "ko": "첫 에포크"},
    "tr_first_help": {"en": "The first epoch also traces and compiles the model, so it is timed apart.",
                      "ko": "첫 에포크에는 모델 추적과 컴파일도 들어가므로 따로 잽니다."},
    "tr_images_s": {"en": "Images per second", "ko": "초당 이미지 수"},
    "tr_curves": {"en": "Loss and accuracy per epoch", "ko": "에포크별 손실과 정확도"},
    "tr_loss": {"en": "Loss", "ko": "손실"},
    "tr_accuracy": {"en": "Accuracy", "ko": "정확도"},
    "tr_training": {"en": "training", "ko": "학습"},
    "tr_validation": {"en": "validation", "ko": "검증"},
    "tr_axis_epoch": {"en": "Epoch", "ko": "에포크"},
    "tr_axis_seconds": {"en": "Seconds per epoch", "ko": "에포크당 시간(초)"},
    "tr_times": {"en": "Time per epoch", "ko": "에포크별 시간"},
    "tr_times_caption": {"en": "The first bar of each run includes tracing and compiling.",
                         "ko": "각 실행의 첫 막대에는 추적과 컴파일 시간이 들어 있습니다."},
    "tr_epochs_table": {"en": "Every epoch", "ko": "에포크별 기록"},
    "tr_col_run": {"en": "Run", "ko": "실행"},
    "tr_col_epoch": {"en": "Epoch", "ko": "에포크"},
    "tr_col_time": {"en": "Time", "ko": "시간"},
    "tr_col_images_s": {"en": "Images/s", "ko": "이미지/초"},
    "tr_col_loss": {"en": "Loss", "ko": "손실"},
    "tr_col_accuracy": {"en": "Accuracy", "ko": "정확도"},
    "tr_col_val_loss": {"en": "Validation loss", "ko": "검증 손실"},
    "tr_col_val_accuracy": {"en": "Validation accuracy", "ko": "검증 정확도"},
    "tr_pipes_title": {"en": "Where the time goes: the input pipeline", "ko": "시간은 어디에 쓰일까: 입력 파이프라인"},
    "tr_pipes_waits": {"en": "Without prefetching, a steady epoch took {streamed}, {ratio}× the {arrays} with the "
                             "arrays already in memory: the model waited while the CPU prepared each batch. Preparing "
                             "batches in parallel and ahead took {prefetched}. The CPU feeds the accelerator: one "
                             "slow feeder wastes any GPU, which finishes its step and waits just the same.",
                       "ko": "미리 준비하지 않으면 안정 상태의 에포크가 {streamed} 걸려, 배열이 이미 메모리에 있을 때"
                             "({arrays})의 {ratio}배였습니다. CPU가 배치를 하나씩 준비하는 동안 모델이 기다린 것입니다. "
                             "배치를 병렬로 미리 준비하면 {prefetched} 걸렸습니다. CPU가 가속기에 데이터를 공급합니다. "
                             "공급이 느리면 어떤 GPU도 스텝을 끝내고 똑같이 기다립니다."},
    "tr_pipes_keeps": {"en": "Here the three pipelines took about the same time per steady epoch ({arrays} with "
                             "arrays, {streamed} without prefetch, {prefetched} with prefetch): preparing a batch is "
                             "quick next to a training step on this CPU. On a GPU the step is many times shorter, and "
                             "the same preparation could then make it wait.",
                       "ko": "여기서는 세 파이프라인의 안정 상태 에포크 시간이 거의 같았습니다(배열 {arrays}, 미리 준비 "
                             "없음 {streamed}, 미리 준비 {prefetched}). 이 CPU에서는 배치 준비가 학습 스텝에 비해 "
                             "빠르기 때문입니다. GPU에서는 스텝이 몇 배나 짧아서, 같은 준비 과정 때문에 GPU가 기다릴 "
                             "수 있습니다."},
    "tr_mp_title": {"en": "Mixed precision", "ko": "혼합 정밀도"},
    "tr_mp_measured": {"en": "Measured here: a steady epoch took {times}.",
                       "ko": "여기서 잰 값: 안정 상태 에포크 시간은 {times}입니다."},
    "tr_mp_cpu": {"en": "A CPU has no float16 matrix units: mixed precision usually makes an epoch slower here, "
                        "as the layers convert between 16 and 32 bits and compute no faster.",
                  "ko": "CPU에는 float16 행렬 연산 장치가 없어서, 여기서는 혼합 정밀도가 보통 에포크를 더 느리게 "
                        "만듭니다. 층마다 16비트와 32비트 사이를 변환하지만 계산은 빨라지지 않기 때문입니다."},
    "tr_mp_predicted": {"en": "On a {card} with tensor cores, the datasheet model predicts {f32} per epoch in float32 "
                              "and {f16} in mixed float16 ({ratio}× as fast).",
                        "ko": "텐서 코어가 있는 {card}에서는 데이터시트 모델이 에포크당 float32로 {f32}, 혼합 "
                              "float16으로 {f16}를 예측합니다({ratio}배 빠름)."},
    "tr_mp_predicted_same": {"en": "On a {card} with tensor cores, the datasheet model predicts {f32} per epoch in "
                                   "float32 and {f16} in mixed float16: no faster.",
                             "ko": "텐서 코어가 있는 {card}에서는 데이터시트 모델이 에포크당 float32로 {f32}, 혼합 "
                                   "float16으로 {f16}를 예측합니다. 빨라지지 않습니다."},
    "tr_mp_overhead": {"en": "This model is small: on that GPU each step is bound by its fixed cost per step, not "
                             "by arithmetic, so tensor cores change little. A wider model gains more.",
                       "ko": "이 모델은 작아서 그 GPU에서는 스텝마다 드는 고정 비용이 시간을 결정하고 계산량은 "
                             "거의 영향을 주지 않으므로, 텐서 코어의 효과가 작습니다. 더 넓은 모델일수록 이득이 큽니다."},
    "tr_mp_compute": {"en": "Tensor cores multiply float16 matrices many times faster than float32; the weights stay "
                            "in float32, so the accuracy holds.",
                      "ko": "텐서 코어는 float16 행렬 곱셈을 float32보다 몇 배 빠르게 합니다. 가중치는 float32로 "
                            "유지되므로 정확도는 그대로입니다."},
    "tr_predicted_title": {"en": "The same epoch on a GPU (predicted)", "ko": "같은 에포크를 GPU에서 (예측)"},
    "tr_predicted_epoch": {"en": "{card}: {time} per epoch, predicted from its datasheet (the input pipeline "
                                 "is not included)",
                           "ko": "{card}: 에포크당 {time}, 데이터시트로 예측한 값 (입력 파이프라인은 포함하지 않음)"},
    "tr_no_results": {"en": "Press Train to train the model; the curves and times appear here.",
                      "ko": "학습 시작을 누르면 모델을 학습하고, 곡선과 시간이 여기에 나타납니다."},
    "tr_no_network": {"en": "{name} is not downloaded yet, and there is no network here to download it. Choose the "
                            "8×8 digits, which need no download.",
                      "ko": "{name} 데이터셋은 아직 내려받지 않았고, 여기서는 내려받을 네트워크가 없습니다. 내려받기가 "
                            "필요 없는 8×8 손글씨 숫자를 고르세요."},
    "tr_lim_samples": {"en": "Not allowed here: {name} has {count} training images, over this deployment's limit of "
                             "{limit}. Choose the 8×8 digits.",
                       "ko": "여기서는 허용되지 않습니다: {name}의 학습 이미지 {count}장은 이 서버의 한도 {limit}장을 "
                             "넘습니다. 8×8 손글씨 숫자를 고르세요."},
    "tr_lim_params": {"en": "Not allowed here: this model has {count} parameters, over this deployment's limit of "
                            "{limit}. The largest width that fits is {width}.",
                      "ko": "여기서는 허용되지 않습니다: 이 모델의 파라미터 {count}개는 이 서버의 한도 {limit}개를 "
                            "넘습니다. 한도 안에 드는 가장 큰 너비는 {width}입니다."},
    "tr_lim_memory": {"en": "Not allowed here: this training needs about {need} MB, over this deployment's limit of "
                            "{limit} MB. The largest width that fits is {width}.",
                      "ko": "여기서는 허용되지 않습니다: 이 학습에는 약 {need} MB가 필요해 이 서버의 한도 {limit} MB를 "
                            "넘습니다. 한도 안에 드는 가장 큰 너비는 {width}입니다."},
    # --- end of the Training page block ---
}


def t(key: str, lang: str, **fmt: object) -> str:
    """The text for ``key`` in ``lang`` (English for an unknown language), filled with ``fmt``."""
    entry = TEXT[key]
    text = entry.get(lang if lang in LANGS else "en", entry["en"])
    return text.format(**fmt) if fmt else text
