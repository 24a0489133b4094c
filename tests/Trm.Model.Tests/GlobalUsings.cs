global using Trm.Model.Configuration;
global using Trm.Torch;
global using Trm.Training.Losses;
global using static Trm.Torch.Engine;
global using static Trm.Torch.Tensors;
